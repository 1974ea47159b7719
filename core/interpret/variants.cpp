#include "core/interpret/variants.h"

#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/interpret/attribution.h"
#include "core/interpret/batches.h"
#include "core/model/model.h"
#include "core/util/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <memory>

#include <htslib/vcf.h>

namespace kdna::interpret {
namespace {

struct HtsFileCloser {
    void operator()(htsFile* f) const { hts_close(f); }
};
struct HeaderFree {
    void operator()(bcf_hdr_t* h) const { bcf_hdr_destroy(h); }
};
struct RecordFree {
    void operator()(bcf1_t* r) const { bcf_destroy(r); }
};

/// "file, record 4 (chr1:1001 A>G)": where a sentence about a variant starts.
std::string place(const std::filesystem::path& file, const Variant& v)
{
    return file.filename().string() + ", record " + std::to_string(v.record) + " (" + v.chrom +
           ":" + std::to_string(v.pos + 1) + " " + v.ref + ">" + v.alt + ")";
}

bool plainBases(const std::string& allele)
{
    return !allele.empty() && std::all_of(allele.begin(), allele.end(), [](char c) {
        return std::string_view("ACGTNacgtn").find(c) != std::string_view::npos;
    });
}

/// Codes of [start, end) of `chrom`, N outside the chromosome.
void fetchPadded(const Genome& genome, const std::string& chrom, std::int64_t start,
                 std::int64_t end, std::uint8_t* out)
{
    std::fill(out, out + (end - start), sequence::kUnknown);
    const std::int64_t from = std::max<std::int64_t>(start, 0);
    const std::int64_t to = std::min(end, genome.length(chrom));
    if (from < to)
        genome.fetchCodes(chrom, from, to, out + (from - start));
}

/// Why a variant cannot be scored against `genome`, or empty.
std::string problemWith(const Genome& genome, const std::filesystem::path& vcf, const Variant& v)
{
    const std::string fasta = genome.path().filename().string();
    if (!genome.contains(v.chrom))
        return place(vcf, v) + ": contig '" + v.chrom + "' is not in the genome " + fasta +
               "; skipped.";
    const std::int64_t end = v.pos + static_cast<std::int64_t>(v.ref.size());
    if (end > genome.length(v.chrom))
        return place(vcf, v) + ": REF runs past the end of " + v.chrom + " (" +
               std::to_string(genome.length(v.chrom)) + " bp) in the genome " + fasta +
               "; skipped.";
    std::string want = v.ref;
    std::transform(want.begin(), want.end(), want.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const std::string have = genome.fetch(v.chrom, v.pos, end);
    if (have != want)
        return place(vcf, v) + ": REF is " + want + " but the genome " + fasta + " has " + have +
               " there; skipped.";
    return {};
}

std::vector<std::string> targetNames(const Model& model)
{
    const auto names = model.spec().outputNames();
    const auto sizes = outputSizes(model);
    std::vector<std::string> out;
    for (std::size_t j = 0; j < sizes.size(); ++j)
        for (std::int64_t v = 0; v < sizes[j]; ++v)
            out.push_back(sizes[j] == 1 ? names[j] : names[j] + "[" + std::to_string(v) + "]");
    return out;
}

} // namespace

VariantReading readVariants(const std::filesystem::path& path)
{
    const std::string name = path.string();
    std::unique_ptr<htsFile, HtsFileCloser> file(bcf_open(name.c_str(), "r"));
    if (!file)
        throw Error::inFile(name, 0, name + " cannot be opened as a VCF or BCF file");
    std::unique_ptr<bcf_hdr_t, HeaderFree> header(bcf_hdr_read(file.get()));
    if (!header)
        throw Error::inFile(name, 0, name + " has no readable VCF header");
    std::unique_ptr<bcf1_t, RecordFree> rec(bcf_init());
    VariantReading out;
    for (std::int64_t record = 1;; ++record) {
        const int status = bcf_read(file.get(), header.get(), rec.get());
        if (status == -1)
            break;
        if (status < -1 || rec->errcode != 0)
            throw Error::inFile(name, 0,
                                name + ": record " + std::to_string(record) +
                                    " cannot be read as VCF (htslib error " +
                                    std::to_string(rec->errcode) + ")");
        bcf_unpack(rec.get(), BCF_UN_STR);
        Variant v;
        v.chrom = bcf_hdr_id2name(header.get(), rec->rid);
        v.pos = rec->pos;
        v.id = rec->d.id ? rec->d.id : ".";
        v.record = record;
        v.ref = rec->d.allele[0];
        for (int a = 1; a < rec->n_allele; ++a) {
            v.alt = rec->d.allele[a];
            if (plainBases(v.ref) && plainBases(v.alt))
                out.variants.push_back(v);
            else
                out.skipped.push_back(place(path, v) +
                                      ": only alleles of A, C, G, T and N can be scored; skipped.");
        }
    }
    return out;
}

VariantWindows variantWindows(const Genome& genome, const Variant& v, std::int64_t length)
{
    const std::int64_t half = length / 2;
    const std::int64_t start = v.pos - half;
    VariantWindows w;
    w.ref.resize(static_cast<std::size_t>(length));
    fetchPadded(genome, v.chrom, start, start + length, w.ref.data());
    // Left flank (half bases), the allele, then the genome after REF up to `length`.
    w.alt.assign(w.ref.begin(), w.ref.begin() + half);
    const std::int64_t room = length - half;
    const std::int64_t altBases =
        std::min<std::int64_t>(room, static_cast<std::int64_t>(v.alt.size()));
    for (std::int64_t i = 0; i < altBases; ++i)
        w.alt.push_back(sequence::code(v.alt[static_cast<std::size_t>(i)]));
    const std::int64_t after = v.pos + static_cast<std::int64_t>(v.ref.size());
    const std::int64_t rest = room - altBases;
    w.alt.resize(static_cast<std::size_t>(length));
    if (rest > 0)
        fetchPadded(genome, v.chrom, after, after + rest, w.alt.data() + half + altBases);
    return w;
}

float VariantEffect::logFoldChange(std::size_t target) const
{
    constexpr float eps = 1e-6f;
    if (ref[target] < 0 || alt[target] < 0)
        return std::numeric_limits<float>::quiet_NaN();
    return std::log2((alt[target] + eps) / (ref[target] + eps));
}

VariantEffects variantEffects(Model& model, const Genome& genome, const std::filesystem::path& vcf,
                              std::int64_t batchSize)
{
    const std::int64_t L = sequenceLength(model);
    VariantReading reading = readVariants(vcf);
    VariantEffects out;
    out.targets = targetNames(model);
    out.skipped = std::move(reading.skipped);
    std::vector<Variant> kept;
    for (auto& v : reading.variants) {
        const std::string problem = problemWith(genome, vcf, v);
        if (problem.empty())
            kept.push_back(std::move(v));
        else
            out.skipped.push_back(problem);
    }
    // Rows 2k and 2k + 1 are variant k's ref and alt windows, one-hot encoded batch by batch
    // so memory stays one batch's worth however long the file.
    const auto sizes = outputSizes(model);
    out.rows.resize(kept.size());
    const auto fill = [&](std::int64_t first, std::int64_t count, float* dst) {
        for (std::int64_t r = first; r < first + count; ++r) {
            const VariantWindows w =
                variantWindows(genome, kept[static_cast<std::size_t>(r / 2)], L);
            const auto& codes = r % 2 == 0 ? w.ref : w.alt;
            sequence::oneHot(codes.data(), codes.size(), dst + (r - first) * L * 4);
        }
    };
    const auto take = [&](std::int64_t first, std::int64_t count,
                          const std::vector<torch::Tensor>& outs) {
        for (std::int64_t r = first; r < first + count; ++r) {
            VariantEffect& e = out.rows[static_cast<std::size_t>(r / 2)];
            auto& values = r % 2 == 0 ? e.ref : e.alt;
            for (std::size_t j = 0; j < sizes.size(); ++j) {
                const float* y = outs[j].data_ptr<float>() + (r - first) * sizes[j];
                values.insert(values.end(), y, y + sizes[j]);
            }
        }
    };
    detail::forEachBatch(model, 2 * static_cast<std::int64_t>(kept.size()), batchSize, fill, take);
    for (std::size_t k = 0; k < kept.size(); ++k)
        out.rows[k].variant = std::move(kept[k]);
    return out;
}

} // namespace kdna::interpret
