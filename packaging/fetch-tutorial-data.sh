#!/usr/bin/env bash
# Downloads the keras_dna tutorial's yeast data into DIR (sacCer3 genome and chrom.sizes from
# UCSC, the NucMap nucleosome bigWigs), checks them, and prints the command to run.
#   packaging/fetch-tutorial-data.sh DIR
# KDNA_UCSC_URL and KDNA_NUCMAP_URL point it at mirrors of the two sites.
set -euo pipefail
dir=${1:-}
if [[ -z "$dir" ]]; then
    echo "usage: fetch-tutorial-data.sh DIR" >&2
    exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) # before leaving the caller's folder
mkdir -p "$dir"
cd "$dir"

ucsc=${KDNA_UCSC_URL:-https://hgdownload.soe.ucsc.edu/goldenPath/sacCer3/bigZips} # or a mirror
nucmap=${KDNA_NUCMAP_URL:-http://bigd.big.ac.cn/nucmap/NucMap_FTP_Directory/Saccharomyces_cerevisiae/bySample} # the tutorial's links
files=(
    "$ucsc/sacCer3.fa.gz sacCer3.fa.gz"
    "$ucsc/sacCer3.chrom.sizes sacCer3.chrom.sizes"
    "$nucmap/scNuc0010101/Saccharomyces_cerevisiae.scNuc0010101.nucleosome.shift.bw scerevisiae.bw"
    "$nucmap/scNuc0020101/Saccharomyces_cerevisiae.scNuc0020101.nucleosome.shift.bw scerevisiae2.bw"
)

fetch() {
    if command -v curl >/dev/null; then
        curl --fail --location --silent --show-error --connect-timeout 15 -o "$2.part" "$1"
    elif command -v wget >/dev/null; then
        wget --quiet --timeout=15 -O "$2.part" "$1"
    else
        echo "fetch-tutorial-data.sh: neither curl nor wget is installed (apt install curl)" >&2
        exit 1
    fi
    mv "$2.part" "$2"
}

# One quick probe first, so an offline machine gets one clear sentence.
if ! (command -v curl >/dev/null && curl --silent --head --fail --connect-timeout 10 "$ucsc/" >/dev/null) &&
   ! (command -v wget >/dev/null && wget --quiet --spider --timeout=10 "$ucsc/"); then
    echo "fetch-tutorial-data.sh: this machine cannot reach $ucsc (offline?); try again online, or run 'kdna demo', which needs no download." >&2
    exit 1
fi

for entry in "${files[@]}"; do
    read -r url name <<<"$entry"
    if [[ -s "$name" ]]; then
        echo "have $name"
        continue
    fi
    echo "downloading $name"
    fetch "$url" "$name"
done

# kdna reads bgzip or plain FASTA; UCSC's file is plain gzip, so unpack it once.
if [[ ! -s sacCer3.fa ]]; then
    gzip -dc sacCer3.fa.gz >sacCer3.fa.part && mv sacCer3.fa.part sacCer3.fa
fi

# Checks: 16 nuclear chromosomes plus chrM in the genome, bigWig magic numbers.
chromosomes=$(grep -c '^>' sacCer3.fa)
if [[ "$chromosomes" -lt 16 ]]; then
    echo "fetch-tutorial-data.sh: sacCer3.fa has $chromosomes sequences, expected 17; delete it and run again" >&2
    exit 1
fi
for bw in scerevisiae.bw scerevisiae2.bw; do
    magic=$(od -An -tx4 -N4 "$bw" | tr -d ' ')
    if [[ "$magic" != "888ffc26" ]]; then
        echo "fetch-tutorial-data.sh: $bw is not a bigWig (the download failed); delete it and run again" >&2
        exit 1
    fi
done
ln -sf scerevisiae.bw nucleosome_occupancy.bw

# The example projects go beside the data, where kdna can also write the trained model (the
# installed copies live in a read-only folder).
for examples in "$here/examples" "$here/../resources/examples"; do
    if [[ -d "$examples" ]]; then
        for project in "$examples"/*.kdna.json; do
            [[ -e "$(basename "$project")" ]] || cp "$project" .
        done
        break
    fi
done

cat <<MSG
The tutorial's data is in $(pwd):
  sacCer3.fa ($chromosomes sequences), sacCer3.chrom.sizes, scerevisiae.bw, scerevisiae2.bw,
  and the example projects nucleosome_regression.kdna.json, nucleosome_classification.kdna.json

(The classification example also needs nucleosome calls as BED, named
nucleosomes_danpos.bed: NucMap's DANPOS calls of the same sample.)

Train the tutorial's regression on it:
  kdna train $(pwd)/nucleosome_regression.kdna.json --data $(pwd)
or open it in the studio:
  kdna-studio $(pwd)/nucleosome_regression.kdna.json --data $(pwd)
MSG
