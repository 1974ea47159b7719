#include "core/interpret/variants.h"

#include "core/distributed/process_group.h"
#include "core/eval/whole_sequence.h"
#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/interpret/attribution.h"
#include "core/interpret/batches.h"
#include "core/interpret/ism.h"
#include "core/model/model.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>

#include <htslib/hts.h>
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
            v.allele = a;
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

namespace {

/// Whether the alternative window is the reference one with its middle base changed to A, C,
/// G or T: what a substitution by slices computes.
bool substitutesOneBase(const Variant& v)
{
    return v.ref.size() == 1 && v.alt.size() == 1 &&
           sequence::code(v.alt[0]) < sequence::kAlphabetSize;
}

/// Adds the predictions of the variants kept[which[i]] (all substitutesOneBase) to `values`
/// (per variant, T ref values then T alt values), each strand's window weighted by its part
/// of the mean: the reference window through the model, the alternative from its slices.
void scoreBySlices(const Mutagenesis& mutagenesis, const Genome& genome,
                   const std::vector<Variant>& kept, const std::vector<std::size_t>& which,
                   std::int64_t L, Strands strands, const std::vector<std::int64_t>& sizes,
                   std::vector<float>& values)
{
    const std::size_t S = strands == Strands::Both ? 2 : 1;
    const float share = 1.0F / static_cast<float>(S);
    const auto T = static_cast<std::size_t>(std::accumulate(sizes.begin(), sizes.end(), 0L));
    const auto window = static_cast<std::size_t>(L);
    // A thousand variants at a time: their windows' codes, 2 MB a strand at 2 kb.
    constexpr std::size_t kChunk = 1024;
    std::vector<std::uint8_t> codes;
    std::vector<std::int64_t> positions;
    std::vector<std::uint8_t> bases;
    for (std::size_t a = 0; a < which.size(); a += kChunk) {
        const std::size_t n = std::min(kChunk, which.size() - a);
        codes.resize(n * S * window);
        positions.resize(n * S);
        bases.resize(n * S);
        for (std::size_t i = 0; i < n; ++i) {
            const Variant& v = kept[which[a + i]];
            const std::vector<std::uint8_t> ref = variantWindows(genome, v, L).ref;
            const std::uint8_t base = sequence::code(v.alt[0]);
            std::uint8_t* row = codes.data() + i * S * window;
            std::copy(ref.begin(), ref.end(), row);
            positions[i * S] = L / 2;
            bases[i * S] = base;
            if (S == 2) { // the reverse complement: the allele's complement, mirrored
                std::copy(ref.begin(), ref.end(), row + window);
                sequence::reverseComplementCodes(row + window, window);
                positions[i * S + 1] = L - 1 - L / 2;
                bases[i * S + 1] = static_cast<std::uint8_t>(sequence::kAlphabetSize - 1 - base);
            }
        }
        const Mutagenesis::Substituted r = mutagenesis.substitute(
            codes.data(), static_cast<std::int64_t>(n * S), positions.data(), bases.data());
        for (std::size_t i = 0; i < n * S; ++i) {
            float* v = values.data() + which[a + i / S] * 2 * T;
            for (std::size_t j = 0; j < sizes.size(); ++j) {
                const auto V = static_cast<std::size_t>(sizes[j]);
                for (std::size_t k = 0; k < V; ++k) {
                    v[0] += share * r.reference[j][i * V + k];
                    v[T] += share * r.substituted[j][i * V + k];
                    ++v;
                }
            }
        }
    }
}

} // namespace

float VariantEffect::logFoldChange(std::size_t target) const
{
    constexpr float eps = 1e-6f;
    if (ref[target] < 0 || alt[target] < 0)
        return std::numeric_limits<float>::quiet_NaN();
    return std::log2((alt[target] + eps) / (ref[target] + eps));
}

VariantEffects variantEffects(Model& model, const Genome& genome, const std::filesystem::path& vcf,
                              std::int64_t batchSize, Strands strands, dist::ProcessGroup* group)
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
    // A substitution's alternative comes from the slices of its reference window (as ISM's
    // mutants) where the model allows; the other variants run whole windows.
    const Mutagenesis mutagenesis(model, IsmWay::Fastest, batchSize);
    if (mutagenesis.fast())
        out.bySlices = std::count_if(kept.begin(), kept.end(), substitutesOneBase);
    // Rows per variant run whole: its ref and alt windows, then with both strands their
    // reverse complements; one-hot encoded batch by batch so memory stays one batch's worth
    // however long the file.
    const std::int64_t per = strands == Strands::Both ? 4 : 2;
    const auto sizes = outputSizes(model);
    const std::size_t T = out.targets.size();
    // Every prediction, variant by variant: T ref values, then T alt values. In a group each
    // rank fills its share of the variants and one sum over the ranks fills the rest.
    std::vector<float> values(kept.size() * 2 * T, 0.0f);
    const auto variants = static_cast<std::int64_t>(kept.size());
    const auto [first, last] = dist::shareOf(group, variants);
    std::vector<std::size_t> sliced, whole; // this share's variants, by the way they run
    for (auto k = static_cast<std::size_t>(first); k < static_cast<std::size_t>(last); ++k)
        (mutagenesis.fast() && substitutesOneBase(kept[k]) ? sliced : whole).push_back(k);
    const auto fill = [&](std::int64_t from, std::int64_t count, float* dst) {
        for (std::int64_t r = from; r < from + count; ++r) {
            const VariantWindows w =
                variantWindows(genome, kept[whole[static_cast<std::size_t>(r / per)]], L);
            const auto& codes = r % 2 == 0 ? w.ref : w.alt;
            float* x = dst + (r - from) * L * 4;
            if (r % per < 2)
                sequence::oneHot(codes.data(), codes.size(), x);
            else
                sequence::oneHotReverseComplement(codes.data(), codes.size(), x);
        }
    };
    const float share = 2.0f / static_cast<float>(per); // each strand's part of the mean
    const auto take = [&](std::int64_t from, std::int64_t count,
                          const std::vector<torch::Tensor>& outs) {
        for (std::int64_t r = from; r < from + count; ++r) {
            float* v = values.data() + whole[static_cast<std::size_t>(r / per)] * 2 * T +
                       (r % 2 == 0 ? 0 : T);
            for (std::size_t j = 0; j < sizes.size(); ++j) {
                const float* y = outs[j].data_ptr<float>() + (r - from) * sizes[j];
                for (std::int64_t k = 0; k < sizes[j]; ++k)
                    *v++ += share * y[k];
            }
        }
    };
    const auto score = [&] {
        if (!sliced.empty())
            scoreBySlices(mutagenesis, genome, kept, sliced, L, strands, sizes, values);
        detail::forEachBatch(model, per * static_cast<std::int64_t>(whole.size()), batchSize, fill,
                             take);
    };
    dist::runShare(group, score, "score its share of the variants");
    if (group != nullptr)
        group->sumOverRanks(values, "the variants' predictions");
    out.rows.resize(kept.size());
    for (std::size_t k = 0; k < kept.size(); ++k) {
        VariantEffect& row = out.rows[k];
        const float* v = values.data() + k * 2 * T;
        row.ref.assign(v, v + T);
        row.alt.assign(v + T, v + 2 * T);
        row.variant = std::move(kept[k]);
    }
    return out;
}

VariantProfile variantProfile(Model& model, const Genome& genome, const Variant& v,
                              const std::filesystem::path& source, std::int64_t batchSize)
{
    if (const std::string problem = problemWith(genome, source, v); !problem.empty())
        throw Error(problem);
    const std::int64_t L = sequenceLength(model);
    const VariantWindows region = variantWindows(genome, v, 2 * L - 1);
    VariantProfile p;
    p.targets = targetNames(model);
    p.firstCentre = v.pos - (L - 1) + L / 2;
    const auto T = static_cast<std::int64_t>(p.targets.size());
    p.ref.assign(p.targets.size(), std::vector<float>(static_cast<std::size_t>(L)));
    p.alt = p.ref;
    const auto keep = [&](std::vector<std::vector<float>>& into, std::int64_t k,
                          const float* values) {
        for (std::int64_t t = 0; t < T; ++t)
            into[static_cast<std::size_t>(t)][static_cast<std::size_t>(k)] = values[t];
    };
    // The L windows of each strand of the region share most of their bases: the whole-sequence
    // plan runs each region once (milliseconds); other models go window by window.
    if (const WholeSequencePlan plan = planWholeSequence(model.spec());
        plan.possible && plan.outputs == T) {
        const WholeSequenceRunner runner(model, plan);
        std::vector<float> out(static_cast<std::size_t>(L * T));
        for (const auto& [codes, into] : {std::pair{&region.ref, &p.ref}, {&region.alt, &p.alt}}) {
            runner.run(codes->data(), static_cast<std::int64_t>(codes->size()), 0, L, out.data());
            for (std::int64_t k = 0; k < L; ++k)
                keep(*into, k, out.data() + k * T);
        }
        p.method = "whole-sequence";
        return p;
    }
    const auto sizes = outputSizes(model);
    const auto fill = [&](std::int64_t first, std::int64_t count, float* dst) {
        for (std::int64_t r = first; r < first + count; ++r)
            sequence::oneHot((r < L ? region.ref : region.alt).data() + r % L,
                             static_cast<std::size_t>(L), dst + (r - first) * L * 4);
    };
    const auto take = [&](std::int64_t first, std::int64_t count,
                          const std::vector<torch::Tensor>& outs) {
        std::vector<float> values(static_cast<std::size_t>(T));
        for (std::int64_t r = first; r < first + count; ++r) {
            float* v = values.data();
            for (std::size_t j = 0; j < sizes.size(); ++j) {
                const float* y = outs[j].data_ptr<float>() + (r - first) * sizes[j];
                v = std::copy(y, y + sizes[j], v);
            }
            keep(r < L ? p.ref : p.alt, r % L, values.data());
        }
    };
    detail::forEachBatch(model, 2 * L, batchSize, fill, take);
    p.method = "windows";
    return p;
}

std::vector<std::string> infoKeys(const std::string& target, bool several)
{
    std::string suffix;
    if (several) {
        suffix = "_";
        for (const char c : target)
            suffix += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
        while (suffix.size() > 1 && suffix.back() == '_') // "profile[0]" -> "_profile_0"
            suffix.pop_back();
    }
    return {"KDNA_REF" + suffix, "KDNA_ALT" + suffix, "KDNA_DIFF" + suffix, "KDNA_LOGFC" + suffix};
}

namespace {

/// htslib's write mode and index for an output name: .vcf, .vcf.gz or .bcf.
struct VcfFormat {
    const char* mode = "w";
    int minShift = -1; ///< -1: no index; 0: .tbi; 14: .csi
    const char* indexSuffix = "";
};

VcfFormat formatOf(const std::filesystem::path& out)
{
    const std::string name = out.filename().string();
    const auto endsWith = [&](const std::string& tail) {
        return name.size() > tail.size() &&
               name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
    };
    if (endsWith(".vcf.gz"))
        return {"wz", 0, ".tbi"};
    if (endsWith(".bcf"))
        return {"wb", 14, ".csi"};
    if (endsWith(".vcf"))
        return {"w", -1, ""};
    throw Error(out.string() + " is not a .vcf, .vcf.gz or .bcf name");
}

/// The input's header with every target's four INFO fields declared (an earlier run's
/// declarations of the same keys replaced).
bcf_hdr_t* annotatedHeader(const bcf_hdr_t* in, const std::vector<std::string>& targets,
                           const std::filesystem::path& out)
{
    bcf_hdr_t* h = bcf_hdr_dup(in);
    static const char* what[] = {"on the reference window", "on the alternative window",
                                 "alternative minus reference",
                                 "log2((alt + 1e-6) / (ref + 1e-6)), missing for a negative value"};
    for (const auto& t : targets) {
        const auto keys = infoKeys(t, targets.size() > 1);
        for (std::size_t k = 0; k < keys.size(); ++k) {
            bcf_hdr_remove(h, BCF_HL_INFO, keys[k].c_str());
            if (bcf_hdr_printf(h,
                               "##INFO=<ID=%s,Number=A,Type=Float,Description=\"kdna: %s of "
                               "%s %s\">",
                               keys[k].c_str(), k < 2 ? "prediction" : "effect", t.c_str(),
                               what[k]) != 0)
                throw Error::inFile(out.string(), 0, "cannot declare INFO field " + keys[k]);
        }
    }
    if (bcf_hdr_sync(h) != 0)
        throw Error::inFile(out.string(), 0, "cannot build the VCF header");
    return h;
}

/// Sets (or clears, when no allele was scored) a record's INFO fields from its rows.
void annotate(bcf_hdr_t* h, bcf1_t* rec, const VariantEffects& e,
              const std::vector<const VariantEffect*>& alleles)
{
    const int n = static_cast<int>(alleles.size());
    const bool any = std::any_of(alleles.begin(), alleles.end(), [](auto* a) { return a; });
    std::vector<float> values(alleles.size());
    for (std::size_t t = 0; t < e.targets.size(); ++t) {
        const auto keys = infoKeys(e.targets[t], e.targets.size() > 1);
        for (std::size_t k = 0; k < keys.size(); ++k) {
            for (std::size_t a = 0; a < alleles.size(); ++a) {
                const VariantEffect* v = alleles[a];
                const float x = !v       ? NAN
                                : k == 0 ? v->ref[t]
                                : k == 1 ? v->alt[t]
                                : k == 2 ? v->diff(t)
                                         : v->logFoldChange(t);
                if (std::isnan(x))
                    bcf_float_set_missing(values[a]);
                else
                    values[a] = x;
            }
            bcf_update_info_float(h, rec, keys[k].c_str(), any ? values.data() : nullptr,
                                  any ? n : 0);
        }
    }
}

/// Copies every record of `vcf` to `o`, annotated; `outName` names the output in errors.
void copyAnnotated(const std::filesystem::path& vcf, const VariantEffects& e, htsFile* o,
                   const std::string& outName)
{
    const std::string name = vcf.string();
    std::unique_ptr<htsFile, HtsFileCloser> in(bcf_open(name.c_str(), "r"));
    if (!in)
        throw Error::inFile(name, 0, name + " cannot be opened as a VCF or BCF file");
    std::unique_ptr<bcf_hdr_t, HeaderFree> inHeader(bcf_hdr_read(in.get()));
    if (!inHeader)
        throw Error::inFile(name, 0, name + " has no readable VCF header");
    std::unique_ptr<bcf_hdr_t, HeaderFree> h(annotatedHeader(inHeader.get(), e.targets, outName));
    if (bcf_hdr_write(o, h.get()) != 0)
        throw Error::inFile(outName, 0, "cannot write the VCF header of " + outName);
    std::map<std::pair<std::int64_t, int>, const VariantEffect*> rows;
    for (const auto& row : e.rows)
        rows[{row.variant.record, row.variant.allele}] = &row;
    std::unique_ptr<bcf1_t, RecordFree> rec(bcf_init());
    for (std::int64_t record = 1; bcf_read(in.get(), inHeader.get(), rec.get()) == 0; ++record) {
        bcf_unpack(rec.get(), BCF_UN_ALL);
        std::vector<const VariantEffect*> alleles;
        for (int a = 1; a < rec->n_allele; ++a) {
            const auto it = rows.find({record, a});
            alleles.push_back(it == rows.end() ? nullptr : it->second);
        }
        if (!alleles.empty())
            annotate(h.get(), rec.get(), e, alleles);
        if (bcf_write(o, h.get(), rec.get()) != 0)
            throw Error::inFile(outName, 0,
                                "cannot write record " + std::to_string(record) + " to " + outName);
    }
}

} // namespace

VcfWritten writeEffectsVcf(const std::filesystem::path& vcf, const VariantEffects& effects,
                           const std::filesystem::path& out)
{
    const VcfFormat format = formatOf(out);
    AtomicOutput file(out);
    {
        std::unique_ptr<htsFile, HtsFileCloser> o(
            hts_open(file.tempPath().string().c_str(), format.mode));
        if (!o)
            throw Error::inFile(out.string(), 0, "cannot open " + out.string() + " for writing");
        copyAnnotated(vcf, effects, o.get(), out.string());
        if (hts_close(o.release()) != 0)
            throw file.writeFailed();
    }
    VcfWritten written;
    if (format.minShift < 0) {
        file.commit();
        return written;
    }
    AtomicOutput index(out.string() + format.indexSuffix);
    // Built from the finished temporary, renamed after the data so it is the newer file.
    written.indexed = bcf_index_build3(file.tempPath().string().c_str(),
                                       index.tempPath().string().c_str(), format.minShift, 1) == 0;
    file.commit();
    if (written.indexed)
        index.commit();
    else {
        std::error_code ignored; // an older index would not match the new file
        std::filesystem::remove(out.string() + format.indexSuffix, ignored);
        written.note = out.string() + " was written without an index: htslib could not index it "
                                      "(are its records sorted by position?).";
    }
    return written;
}

} // namespace kdna::interpret
