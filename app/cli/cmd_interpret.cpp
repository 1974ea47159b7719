#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/local_ranks.h"
#include "app/cli/run_options.h"
#include "core/distributed/process_group.h"
#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/interpret/attribution.h"
#include "core/interpret/ism.h"
#include "core/interpret/region.h"
#include "core/interpret/variants.h"
#include "core/model/model.h"
#include "core/project/model_tasks.h"
#include "core/tracks/bigwig.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <ostream>

#include <CLI/CLI.hpp>

namespace kdna::cli {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// Options `explain` and `variants` share: the model, its genome and how to run it.
struct InterpretArgs {
    std::string model;
    std::string fasta;
    std::int64_t batch = 256;
    RunOptions runOn;
    int nproc = 0;

    /// `share`: what each rank of --nproc takes.
    void add(CLI::App& cmd, const std::string& share)
    {
        cmd.add_option("model", model, "Model archive written by kdna train (*.kdna)")
            ->required()
            ->check(existingFile());
        cmd.add_option("--fasta", fasta, "Genome to read (default: the model's training genome)")
            ->check(existingFile());
        cmd.add_option("--batch", batch, "Model rows per pass")
            ->capture_default_str()
            ->check(atLeast(1));
        runOn.add(cmd);
        addNprocOption(cmd, nproc, share);
    }
    [[nodiscard]] LoadedModel load() const { return runOn.load(model); }
    [[nodiscard]] Genome genome(const LoadedModel& m) const
    {
        if (!fasta.empty())
            return Genome::open(fromHere(fasta));
        return Genome::open(m.trainSpec().resolve(m.trainSpec().fasta_file));
    }
};

struct ExplainArgs {
    InterpretArgs common;
    std::string chrom;
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::string method = "ixg";
    std::string ismWay = "fast";
    interpret::Target target;
    int steps = 64;
    std::string out;
    std::string scores;
};

/// One window's scores: four per base (ISM: the target's change for each substitution, 0 at
/// the window's own base; gradient methods: each channel's attribution) and one per base.
struct WindowScores {
    std::vector<float> four;
    std::vector<float> base;
};

/// ISM: the target's change per substitution, and per base the region's ISM score.
WindowScores ismScores(const interpret::Mutagenesis& ism, const std::vector<std::uint8_t>& codes,
                       const interpret::Target& t)
{
    WindowScores s;
    s.four =
        interpret::targetChanges(ism.run(codes.data(), static_cast<std::int64_t>(codes.size())), t);
    for (std::size_t i = 0; i < codes.size(); ++i)
        s.base.push_back(interpret::ismBaseScore(s.four.data() + i * 4, codes[i]));
    return s;
}

std::vector<WindowScores> gradientScores(Model& model, const std::vector<float>& windows,
                                         std::int64_t L, const ExplainArgs& a)
{
    interpret::AttributionOptions o;
    o.method = interpret::parseMethod(a.method);
    o.target = a.target;
    o.steps = a.steps;
    o.batchSize = a.common.batch;
    const auto attr = interpret::attribute(model, windows, o);
    std::vector<WindowScores> out(windows.size() / static_cast<std::size_t>(L * 4));
    for (std::size_t w = 0; w < out.size(); ++w) {
        const auto* first = attr.data() + w * static_cast<std::size_t>(L * 4);
        out[w].four.assign(first, first + L * 4);
        for (std::int64_t i = 0; i < L; ++i)
            out[w].base.push_back(interpret::perBaseScore(first + i * 4, o.method));
    }
    return out;
}

/// `speaks`: this rank tells the user when fast ISM cannot serve the model.
std::vector<WindowScores> scoreWindows(Model& model, const Genome& genome,
                                       const std::vector<std::int64_t>& starts, std::int64_t L,
                                       const ExplainArgs& a, bool speaks)
{
    std::vector<std::uint8_t> codes(static_cast<std::size_t>(L));
    std::vector<WindowScores> out;
    if (a.method == "ism") {
        const interpret::Mutagenesis ism(
            model, a.ismWay == "naive" ? interpret::IsmWay::Naive : interpret::IsmWay::Fastest,
            a.common.batch);
        if (speaks && !ism.fast() && !ism.fallbackReason().empty())
            std::cerr << "kdna explain: fast ISM cannot serve this model: " << ism.fallbackReason()
                      << "; every mutant runs through the whole model\n";
        for (const auto s : starts) {
            genome.fetchCodes(a.chrom, s, s + L, codes.data());
            out.push_back(ismScores(ism, codes, a.target));
        }
        return out;
    }
    std::vector<float> windows(starts.size() * static_cast<std::size_t>(L * 4));
    for (std::size_t w = 0; w < starts.size(); ++w) {
        genome.fetchCodes(a.chrom, starts[w], starts[w] + L, codes.data());
        sequence::oneHot(codes.data(), codes.size(), windows.data() + w * L * 4);
    }
    return gradientScores(model, windows, L, a);
}

/// Every window's scores. In a group each rank scores its share of the windows and one sum
/// over the ranks gives every rank all of them (a rank's scores are zero outside its share).
std::vector<WindowScores> scoreAllWindows(Model& model, const Genome& genome,
                                          const std::vector<std::int64_t>& starts, std::int64_t L,
                                          const ExplainArgs& a, const CommandRank& rank)
{
    dist::ProcessGroup* group = rank.group();
    if (group == nullptr)
        return scoreWindows(model, genome, starts, L, a, true);
    const auto [first, last] = dist::shareOf(group, static_cast<std::int64_t>(starts.size()));
    std::vector<WindowScores> mine;
    dist::runShare(
        group,
        [&] {
            if (first < last)
                mine = scoreWindows(model, genome, {starts.begin() + first, starts.begin() + last},
                                    L, a, rank.reports());
        },
        "explain its share of the windows");
    const auto per = static_cast<std::size_t>(5 * L); // four a base, then one a base
    std::vector<float> all(starts.size() * per, 0.0f);
    for (std::size_t k = 0; k < mine.size(); ++k) {
        float* to = all.data() + (static_cast<std::size_t>(first) + k) * per;
        std::copy(mine[k].four.begin(), mine[k].four.end(), to);
        std::copy(mine[k].base.begin(), mine[k].base.end(), to + 4 * L);
    }
    group->sumOverRanks(all, "the windows' scores");
    std::vector<WindowScores> out(starts.size());
    for (std::size_t w = 0; w < out.size(); ++w) {
        const float* from = all.data() + w * per;
        out[w].four.assign(from, from + 4 * L);
        out[w].base.assign(from + 4 * L, from + 5 * L);
    }
    return out;
}

/// Which window gives each base of [start, end) its scores: the first that covers it (the
/// last window, moved back inside the chromosome, may cover bases another has).
std::vector<std::pair<std::size_t, std::int64_t>> coverage(const std::vector<std::int64_t>& starts,
                                                           std::int64_t L, std::int64_t start,
                                                           std::int64_t end)
{
    std::vector<std::pair<std::size_t, std::int64_t>> out(static_cast<std::size_t>(end - start),
                                                          {starts.size(), 0});
    for (std::size_t w = 0; w < starts.size(); ++w)
        for (std::int64_t i = 0; i < L; ++i) {
            const std::int64_t p = starts[w] + i - start;
            if (p >= 0 && p < end - start &&
                out[static_cast<std::size_t>(p)].first == starts.size())
                out[static_cast<std::size_t>(p)] = {w, i};
        }
    return out;
}

/// The 4 x L table: chromosome, 1-based position, the genome's base and a score per base.
void writeScoreTable(std::ostream& os, const ExplainArgs& a, const Genome& genome,
                     const std::vector<WindowScores>& scores,
                     const std::vector<std::pair<std::size_t, std::int64_t>>& from)
{
    const std::string bases = genome.fetch(a.chrom, a.start, a.end);
    os << "chrom\tposition\tbase\tA\tC\tG\tT\n";
    for (std::size_t p = 0; p < from.size(); ++p) {
        const auto [w, i] = from[p];
        const float* f = scores[w].four.data() + i * 4;
        os << a.chrom << '\t' << a.start + static_cast<std::int64_t>(p) + 1 << '\t' << bases[p]
           << '\t' << f[0] << '\t' << f[1] << '\t' << f[2] << '\t' << f[3] << '\n';
    }
}

void printExplained(const ExplainArgs& a, std::size_t windows, std::int64_t L, double seconds,
                    const std::string& note)
{
    const std::int64_t bases = a.end - a.start;
    const double s = std::max(seconds, 1e-9);
    std::cout << "explained " << a.chrom << ":" << a.start << "-" << a.end << " ("
              << text::withThousands(bases) << " bases, " << windows << " windows of " << L
              << " bp) with " << a.method << " in " << text::number(seconds, 2)
              << " s: " << text::withThousands(static_cast<std::int64_t>(bases / s)) << " bases/s, "
              << text::number(static_cast<double>(windows) / s, 1) << " windows/s";
    if (a.method == "ism")
        std::cout << ", "
                  << text::withThousands(
                         static_cast<std::int64_t>(static_cast<double>(windows) * 3 * L / s))
                  << " mutations/s";
    std::cout << note << "\n";
}

void runExplain(ExplainArgs& a)
{
    if (a.end <= a.start)
        throw Error("--end (" + std::to_string(a.end) + ") must be greater than --start (" +
                    std::to_string(a.start) + ")");
    const std::string out = fromHere(a.out);
    const std::string table = a.scores.empty() ? "" : fromHere(a.scores);
    AtomicOutput::requireWritable(out, bigWigOutput());
    if (!table.empty())
        AtomicOutput::requireWritable(table, {});
    const CommandRank rank(a.common.runOn.device);
    LoadedModel m = a.common.load();
    Model& model = *m.model;
    const Genome genome = a.common.genome(m);
    genome.checkInterval(a.chrom, a.start, a.end);
    const std::int64_t L = interpret::sequenceLength(model);
    interpret::checkTarget(model, a.target);
    const auto starts = interpret::tileStarts(a.start, a.end, L, genome.length(a.chrom));
    const auto t0 = Clock::now();
    const auto scores = scoreAllWindows(model, genome, starts, L, a, rank);
    const double seconds = secondsSince(t0);
    if (!rank.reports())
        return; // rank 0 writes
    const auto from = coverage(starts, L, a.start, a.end);
    std::vector<float> score;
    for (const auto& [w, i] : from)
        score.push_back(scores[w].base[static_cast<std::size_t>(i)]);
    BigWigWriter writer(out, genome.chromosomes(), {10, false});
    writer.addValues(a.chrom, a.start, score);
    writer.finish();
    printExplained(a, starts.size(), L, seconds, rank.note());
    std::cout << "wrote " << out << "\n";
    if (!table.empty()) {
        AtomicOutput::writeFile(
            table, [&](std::ostream& os) { writeScoreTable(os, a, genome, scores, from); });
        std::cout << "wrote " << table << "\n";
    }
    std::cout << std::flush;
}

void addExplainCommand(CLI::App& app)
{
    auto args = std::make_shared<ExplainArgs>();
    auto* cmd = app.add_subcommand("explain", "Per-base importance over a region (ISM or "
                                              "gradient attributions), written as a bigWig");
    args->common.add(*cmd, "a share of the windows, rank 0 writing");
    cmd->add_option("--chrom,-c", args->chrom, "Chromosome")->required();
    cmd->add_option("--start", args->start, "First base (0-based)")->required()->check(atLeast(0));
    cmd->add_option("--end", args->end, "End (exclusive)")->required()->check(atLeast(1));
    cmd->add_option("--method", args->method,
                    "ism (minus the mean change over the 3 substitutions), saliency (max "
                    "|gradient| over the 4 bases), ixg (input x gradient) or ig (integrated "
                    "gradients from the all-zero baseline)")
        ->capture_default_str()
        ->check(oneOf({"ism", "saliency", "ixg", "ig"}));
    cmd->add_option("--output", args->target.output, "Which output of the model (0-based)")
        ->capture_default_str();
    cmd->add_option("--value", args->target.value,
                    "Which value of that output (0-based; -1: the sum of its values)")
        ->capture_default_str()
        ->check(atLeast(-1));
    cmd->add_option("--steps", args->steps, "Integrated-gradients steps")
        ->capture_default_str()
        ->check(atLeast(1));
    cmd->add_option("--ism", args->ismWay,
                    "ISM by slices where the model allows (fast) or every mutant through the "
                    "whole model (naive)")
        ->capture_default_str()
        ->check(oneOf({"fast", "naive"}));
    cmd->add_option("-o,--out", args->out, "bigWig to write")->required()->check(writablePath());
    cmd->add_option("--scores", args->scores,
                    "Also write the 4 x L scores as a table (.tsv: chrom, position, base, A, C, "
                    "G, T; ISM: the change for each substitution)")
        ->check(writablePath());
    cmd->callback([args] {
        if (!launchedLocalRanks(args->common.nproc))
            runExplain(*args);
    });
}

struct VariantArgs {
    InterpretArgs common;
    std::string vcf;
    std::string out;
    std::string strands = "forward";
};

void writeTable(std::ostream& os, const interpret::VariantEffects& e)
{
    os << "chrom\tpos\tid\tref\talt\ttarget\tref_pred\talt_pred\tdiff\tlog2fc\n";
    for (const auto& row : e.rows)
        for (std::size_t t = 0; t < e.targets.size(); ++t)
            os << row.variant.chrom << '\t' << row.variant.pos + 1 << '\t' << row.variant.id << '\t'
               << row.variant.ref << '\t' << row.variant.alt << '\t' << e.targets[t] << '\t'
               << row.ref[t] << '\t' << row.alt[t] << '\t' << row.diff(t) << '\t'
               << row.logFoldChange(t) << '\n';
}

bool endsWith(const std::string& s, const std::string& tail)
{
    return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void runVariants(VariantArgs& a)
{
    const std::string out = fromHere(a.out);
    const bool table = endsWith(out, ".tsv");
    if (!table && !endsWith(out, ".vcf") && !endsWith(out, ".vcf.gz") && !endsWith(out, ".bcf"))
        throw Error("-o: kdna variants writes a table (.tsv) or the VCF annotated (.vcf, .vcf.gz "
                    "or .bcf); " +
                    a.out + " is none of them");
    AtomicOutput::requireWritable(out, {});
    const CommandRank rank(a.common.runOn.device);
    LoadedModel m = a.common.load();
    const Genome genome = a.common.genome(m);
    const auto t0 = Clock::now();
    const auto effects = interpret::variantEffects(
        *m.model, genome, fromHere(a.vcf), a.common.batch,
        a.strands == "both" ? interpret::Strands::Both : interpret::Strands::Forward, rank.group());
    const double seconds = secondsSince(t0);
    if (!rank.reports())
        return; // rank 0 reports and writes
    for (const auto& s : effects.skipped)
        std::cerr << "kdna variants: " << s << "\n";
    std::cout << "scored " << text::withThousands(static_cast<std::int64_t>(effects.rows.size()))
              << " variants (" << effects.skipped.size() << " skipped) in "
              << text::number(seconds, 2) << " s: "
              << text::withThousands(static_cast<std::int64_t>(
                     static_cast<double>(effects.rows.size()) / std::max(seconds, 1e-9)))
              << " variants/s; " << text::withThousands(effects.bySlices)
              << " substitutions from their reference window's slices" << rank.note() << std::endl;
    if (table) {
        AtomicOutput::writeFile(out, [&](std::ostream& os) { writeTable(os, effects); });
    } else {
        const auto written = interpret::writeEffectsVcf(fromHere(a.vcf), effects, out);
        if (!written.note.empty())
            std::cerr << "kdna variants: " << written.note << "\n";
    }
    std::cout << "wrote " << out << std::endl;
}

void addVariantsCommand(CLI::App& app)
{
    auto args = std::make_shared<VariantArgs>();
    auto* cmd = app.add_subcommand("variants", "Variant effects of a VCF/BCF file: the model on "
                                               "the reference and the alternative window");
    args->common.add(*cmd, "a share of the variants, rank 0 writing");
    cmd->add_option("--vcf", args->vcf, "VCF, bgzipped VCF or BCF file")
        ->required()
        ->check(existingFile());
    cmd->add_option("-o,--out", args->out,
                    "Table to write (.tsv), or the VCF with INFO fields added (.vcf, .vcf.gz "
                    "indexed with .tbi, .bcf indexed with .csi)")
        ->required()
        ->check(writablePath());
    cmd->add_option("--strands", args->strands,
                    "forward, or both: the mean of each window and its reverse complement")
        ->capture_default_str()
        ->check(oneOf({"forward", "both"}));
    cmd->callback([args] {
        if (!launchedLocalRanks(args->common.nproc))
            runVariants(*args);
    });
}

} // namespace

void addInterpretCommands(CLI::App& app)
{
    addExplainCommand(app);
    addVariantsCommand(app);
}

} // namespace kdna::cli
