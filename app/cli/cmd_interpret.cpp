#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/run_options.h"
#include "core/genome/genome.h"
#include "core/genome/sequence.h"
#include "core/interpret/attribution.h"
#include "core/interpret/ism.h"
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

    void add(CLI::App& cmd)
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
    interpret::Target target;
    int steps = 64;
    std::string out;
};

/// The window starts that tile [start, end): one every L bases, each moved inside the
/// chromosome.
std::vector<std::int64_t> tiles(std::int64_t start, std::int64_t end, std::int64_t L,
                                std::int64_t chromLength)
{
    if (chromLength < L)
        throw Error("the chromosome is " + std::to_string(chromLength) +
                    " bp, shorter than the model's " + std::to_string(L) + " bp input");
    std::vector<std::int64_t> out;
    for (std::int64_t s = start; s < end; s += L)
        out.push_back(std::clamp<std::int64_t>(s, 0, chromLength - L));
    return out;
}

/// ISM per base: minus the mean change of the target over the base's substitutions (high
/// where mutating the base lowers the prediction).
std::vector<float> ismScores(Model& model, const std::vector<std::uint8_t>& codes,
                             const interpret::Target& t, std::int64_t batch)
{
    const auto r =
        interpret::ism(model, codes.data(), static_cast<std::int64_t>(codes.size()), batch);
    const std::int64_t V = r.outputSizes[t.output];
    const auto& d = r.delta[t.output];
    std::vector<float> out(codes.size());
    for (std::size_t i = 0; i < codes.size(); ++i) {
        double sum = 0;
        int n = 0;
        for (int b = 0; b < 4; ++b) {
            if (codes[i] == b)
                continue;
            ++n;
            for (std::int64_t v = 0; v < V; ++v)
                if (t.value < 0 || v == t.value)
                    sum +=
                        d[static_cast<std::size_t>((static_cast<std::int64_t>(i) * 4 + b) * V + v)];
        }
        out[i] = static_cast<float>(-sum / n);
    }
    return out;
}

/// Per base: the summed attribution of its four channels (input x gradient, integrated
/// gradients), or for saliency the largest |gradient| over them (Simonyan et al.'s map).
float perBase(const float* a, interpret::Method method)
{
    if (method == interpret::Method::Saliency)
        return std::max({std::abs(a[0]), std::abs(a[1]), std::abs(a[2]), std::abs(a[3])});
    return a[0] + a[1] + a[2] + a[3];
}

void runExplain(const ExplainArgs& a)
{
    if (a.end <= a.start)
        throw Error("--end (" + std::to_string(a.end) + ") must be greater than --start (" +
                    std::to_string(a.start) + ")");
    const std::string out = fromHere(a.out);
    AtomicOutput::requireWritable(out, bigWigOutput());
    LoadedModel m = a.common.load();
    Model& model = *m.model;
    const Genome genome = a.common.genome(m);
    genome.checkInterval(a.chrom, a.start, a.end);
    const std::int64_t L = interpret::sequenceLength(model);
    interpret::checkTarget(model, a.target);
    const auto starts = tiles(a.start, a.end, L, genome.length(a.chrom));
    const auto t0 = Clock::now();

    std::vector<float> score(static_cast<std::size_t>(a.end - a.start),
                             std::numeric_limits<float>::quiet_NaN());
    std::vector<std::vector<float>> perWindow;
    std::vector<std::uint8_t> codes(static_cast<std::size_t>(L));
    if (a.method == "ism") {
        for (const auto s : starts) {
            genome.fetchCodes(a.chrom, s, s + L, codes.data());
            perWindow.push_back(ismScores(model, codes, a.target, a.common.batch));
        }
    } else {
        std::vector<float> windows(starts.size() * static_cast<std::size_t>(L * 4));
        for (std::size_t w = 0; w < starts.size(); ++w) {
            genome.fetchCodes(a.chrom, starts[w], starts[w] + L, codes.data());
            sequence::oneHot(codes.data(), codes.size(), windows.data() + w * L * 4);
        }
        interpret::AttributionOptions o;
        o.method = interpret::parseMethod(a.method);
        o.target = a.target;
        o.steps = a.steps;
        o.batchSize = a.common.batch;
        const auto attr = interpret::attribute(model, windows, o);
        for (std::size_t w = 0; w < starts.size(); ++w) {
            std::vector<float> s(static_cast<std::size_t>(L));
            for (std::int64_t i = 0; i < L; ++i)
                s[static_cast<std::size_t>(i)] = perBase(attr.data() + (w * L + i) * 4, o.method);
            perWindow.push_back(std::move(s));
        }
    }
    // A base covered by two windows (the last one moved back inside) keeps the first's score.
    for (std::size_t w = 0; w < starts.size(); ++w)
        for (std::int64_t i = 0; i < L; ++i) {
            const std::int64_t p = starts[w] + i - a.start;
            if (p >= 0 && p < a.end - a.start && std::isnan(score[static_cast<std::size_t>(p)]))
                score[static_cast<std::size_t>(p)] = perWindow[w][static_cast<std::size_t>(i)];
        }
    const double seconds = secondsSince(t0);
    BigWigWriter writer(out, genome.chromosomes(), {10, false});
    writer.addValues(a.chrom, a.start, score);
    writer.finish();
    const std::int64_t bases = a.end - a.start;
    std::cout << "explained " << a.chrom << ":" << a.start << "-" << a.end << " ("
              << text::withThousands(bases) << " bases, " << starts.size() << " windows of " << L
              << " bp) with " << a.method << " in " << text::number(seconds, 2) << " s: "
              << text::withThousands(static_cast<std::int64_t>(bases / std::max(seconds, 1e-9)))
              << " bases/s";
    if (a.method == "ism")
        std::cout << ", "
                  << text::withThousands(static_cast<std::int64_t>(
                         static_cast<double>(starts.size()) * 3 * L / std::max(seconds, 1e-9)))
                  << " mutations/s";
    std::cout << "\nwrote " << out << std::endl;
}

void addExplainCommand(CLI::App& app)
{
    auto args = std::make_shared<ExplainArgs>();
    auto* cmd = app.add_subcommand("explain", "Per-base importance over a region (ISM or "
                                              "gradient attributions), written as a bigWig");
    args->common.add(*cmd);
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
    cmd->add_option("-o,--out", args->out, "bigWig to write")->required()->check(writablePath());
    cmd->callback([args] { runExplain(*args); });
}

struct VariantArgs {
    InterpretArgs common;
    std::string vcf;
    std::string out;
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

void runVariants(const VariantArgs& a)
{
    const std::string out = fromHere(a.out);
    if (std::filesystem::path(out).extension() != ".tsv")
        throw Error("-o: kdna variants writes a .tsv table so far (" + a.out +
                    " is not one; VCF output is not done yet)");
    AtomicOutput::requireWritable(out, {});
    LoadedModel m = a.common.load();
    const Genome genome = a.common.genome(m);
    const auto t0 = Clock::now();
    const auto effects =
        interpret::variantEffects(*m.model, genome, fromHere(a.vcf), a.common.batch);
    const double seconds = secondsSince(t0);
    for (const auto& s : effects.skipped)
        std::cerr << "kdna variants: " << s << "\n";
    AtomicOutput::writeFile(out, [&](std::ostream& os) { writeTable(os, effects); });
    std::cout << "scored " << text::withThousands(static_cast<std::int64_t>(effects.rows.size()))
              << " variants (" << effects.skipped.size() << " skipped) in "
              << text::number(seconds, 2) << " s: "
              << text::withThousands(static_cast<std::int64_t>(
                     static_cast<double>(effects.rows.size()) / std::max(seconds, 1e-9)))
              << " variants/s\nwrote " << out << std::endl;
}

void addVariantsCommand(CLI::App& app)
{
    auto args = std::make_shared<VariantArgs>();
    auto* cmd = app.add_subcommand("variants", "Variant effects of a VCF/BCF file: the model on "
                                               "the reference and the alternative window");
    args->common.add(*cmd);
    cmd->add_option("--vcf", args->vcf, "VCF, bgzipped VCF or BCF file")
        ->required()
        ->check(existingFile());
    cmd->add_option("-o,--out", args->out, "Table to write (.tsv)")
        ->required()
        ->check(writablePath());
    cmd->callback([args] { runVariants(*args); });
}

} // namespace

void addInterpretCommands(CLI::App& app)
{
    addExplainCommand(app);
    addVariantsCommand(app);
}

} // namespace kdna::cli
