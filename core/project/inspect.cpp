#include "core/project/inspect.h"

#include "core/genome/genome.h"
#include "core/tracks/bigwig.h"
#include "core/tracks/chrom_sizes.h"
#include "core/util/chrom_names.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

namespace kdna {

FileReport inspectFile(const std::filesystem::path& path)
{
    FileReport r;
    r.path = path;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error::inFile(path.string(), 0, "no such file");
    r.kind = detectFileKind(path);
    switch (r.kind) {
    case FileKind::Fasta:
        r.chromosomes = Genome::open(path).chromosomes();
        break;
    case FileKind::BigWig: {
        const auto bw = BigWigReader::open(path);
        r.chromosomes = bw.chromosomes();
        const auto s = bw.fileStats();
        r.coveredBases = s.coveredBases;
        r.min = s.min;
        r.mean = s.mean;
        r.max = s.max;
        r.zoomLevels = bw.zoomLevels();
        break;
    }
    case FileKind::Bed:
    case FileKind::NarrowPeak:
    case FileKind::Gff: {
        const FeatureSet set = readFeatures(path);
        r.format = set.format;
        r.featureCount = static_cast<std::int64_t>(set.features.size());
        r.featuresPerChromosome = set.countByChromosome();
        r.featuresPerType = set.countByType();
        for (const auto& name : set.chromosomes)
            r.chromosomes.push_back({name, 0});
        if (!set.features.empty()) {
            r.minLength = set.features.front().length();
            std::int64_t total = 0;
            for (const auto& f : set.features) {
                r.minLength = std::min(r.minLength, f.length());
                r.maxLength = std::max(r.maxLength, f.length());
                total += f.length();
            }
            r.meanLength = static_cast<double>(total) / static_cast<double>(set.features.size());
        }
        break;
    }
    case FileKind::ChromSizes:
        r.chromosomes = readChromSizes(path);
        break;
    case FileKind::BigBed:
        throw Error::inFile(path.string(), 0,
                            "is a bigBed; kdna reads BED text (convert with bigBedToBed)");
    case FileKind::Unknown:
        throw Error::inFile(path.string(), 0,
                            "is not a file kdna knows (FASTA, bigWig, BED, narrowPeak, GFF3/GTF "
                            "or chrom.sizes)");
    }
    return r;
}

std::vector<std::string> chromosomeWarnings(const std::vector<FileReport>& reports)
{
    std::vector<std::string> out;
    const FileReport* reference = nullptr;
    for (const auto& r : reports) {
        if (r.kind == FileKind::Fasta) {
            reference = &r;
            break;
        }
    }
    if (!reference && !reports.empty())
        reference = &reports.front();
    for (const auto& r : reports) {
        if (&r == reference)
            continue;
        const auto cmp =
            chrom_names::compare(namesOf(reference->chromosomes), namesOf(r.chromosomes));
        if (cmp.onlySecond.empty())
            continue;
        std::string msg = r.path.string() + " has " + std::to_string(cmp.onlySecond.size()) +
                          " chromosome name(s) that " + reference->path.string() +
                          " lacks: " + text::quotedList(cmp.onlySecond, 5);
        if (cmp.shared.empty())
            msg += "; no name is shared, so nothing of it can be used";
        if (!cmp.fix.empty())
            msg += "; " + cmp.fix;
        out.push_back(msg);
    }
    return out;
}

namespace {

void printCounts(std::ostringstream& out, const std::map<std::string, std::int64_t>& counts,
                 const std::vector<Chromosome>& order)
{
    for (const auto& c : order) {
        const auto it = counts.find(c.name);
        if (it != counts.end())
            out << "    " << c.name << '\t' << text::withThousands(it->second) << '\n';
    }
}

} // namespace

std::string formatReport(const FileReport& r)
{
    std::ostringstream out;
    out << r.path.string() << ": " << kindName(r.kind);
    switch (r.kind) {
    case FileKind::Fasta:
    case FileKind::ChromSizes: {
        std::int64_t total = 0;
        for (const auto& c : r.chromosomes)
            total += c.length;
        out << ", " << r.chromosomes.size() << " chromosomes, " << text::withThousands(total)
            << " bp\n";
        for (const auto& c : r.chromosomes)
            out << "    " << c.name << '\t' << text::withThousands(c.length) << '\n';
        break;
    }
    case FileKind::BigWig:
        out << ", " << r.chromosomes.size() << " chromosomes, "
            << text::withThousands(r.coveredBases) << " bases covered, min " << text::number(r.min)
            << ", mean " << text::number(r.mean) << ", max " << text::number(r.max) << ", "
            << r.zoomLevels << " zoom levels\n";
        for (const auto& c : r.chromosomes)
            out << "    " << c.name << '\t' << text::withThousands(c.length) << '\n';
        break;
    case FileKind::Bed:
    case FileKind::NarrowPeak:
    case FileKind::Gff:
        out << " (" << formatName(r.format) << "), " << text::withThousands(r.featureCount)
            << " features on " << r.featuresPerChromosome.size() << " chromosomes, length min "
            << text::withThousands(r.minLength) << " / mean " << text::number(r.meanLength, 1)
            << " / max " << text::withThousands(r.maxLength) << " bp\n";
        if (r.kind == FileKind::Gff) {
            out << "  per type:\n";
            for (const auto& [type, n] : r.featuresPerType)
                out << "    " << type << '\t' << text::withThousands(n) << '\n';
        }
        out << "  per chromosome:\n";
        printCounts(out, r.featuresPerChromosome, r.chromosomes);
        break;
    default:
        out << '\n';
    }
    return out.str();
}

} // namespace kdna
