#include "app/cli/training_progress.h"

#include "core/util/text.h"

#include <cmath>
#include <cstdint>
#include <iostream>

namespace kdna::cli {

std::string formatMetrics(const std::map<std::string, double>& metrics)
{
    // Training metrics first, then their validation twins, in Keras' order.
    std::vector<std::string> parts;
    auto add = [&](const std::string& key, double value) {
        parts.push_back(key + " " + text::number(value, std::abs(value) < 1 ? 4 : 3));
    };
    if (metrics.count("loss"))
        add("loss", metrics.at("loss"));
    for (const auto& [k, v] : metrics)
        if (k != "loss" && k.rfind("val_", 0) != 0)
            add(k, v);
    if (metrics.count("val_loss"))
        add("val_loss", metrics.at("val_loss"));
    for (const auto& [k, v] : metrics)
        if (k != "val_loss" && k.rfind("val_", 0) == 0)
            add(k, v);
    return text::join(parts, " - ");
}

void TrainingProgress::started(const TrainingStarted& s)
{
    // A resumed run counts on from the interrupted one; any other counts its epochs from 1.
    m_epochs = s.resumed ? s.firstEpoch + s.epochs : s.epochs;
    m_firstEpoch = s.resumed ? 0 : s.firstEpoch;
    std::cerr << "training on " << s.device << " (" << s.threads << " torch threads, " << s.workers
              << " data thread" << (s.workers == 1 ? "" : "s") << ", " << s.precision
              << "): " << s.epochs << " epochs x " << s.stepsPerEpoch << " steps of "
              << s.batchSize;
    if (s.validationSteps > 0)
        std::cerr << ", " << s.validationSteps << " validation steps";
    std::cerr << '\n';
    for (const auto& note : s.notes)
        std::cout << "note: " << note << '\n';
    std::cout << std::flush;
}

void TrainingProgress::batchFinished(const BatchFinished& b)
{
    const auto now = std::chrono::steady_clock::now();
    if (b.step + 1 != b.steps && now - m_lastDraw < std::chrono::milliseconds(200))
        return;
    m_lastDraw = now;
    constexpr int width = 24;
    const int done = static_cast<int>(width * (b.step + 1) / std::max<std::int64_t>(1, b.steps));
    std::string bar(static_cast<std::size_t>(done), '=');
    if (done < width)
        bar += '>';
    bar.resize(width, '.');
    m_line.update("Epoch " + std::to_string(b.epoch - m_firstEpoch + 1) + "/" +
                  std::to_string(m_epochs) + " [" + bar + "] " + std::to_string(b.step + 1) + "/" +
                  std::to_string(b.steps) + " - " +
                  text::withThousands(static_cast<std::int64_t>(b.samplesPerSecond)) +
                  " samples/s - loss " + text::number(b.meanLoss, 4) + " - ETA " +
                  std::to_string(static_cast<int>(b.etaSeconds)) + "s");
}

void TrainingProgress::validating(int epoch)
{
    m_line.update("Epoch " + std::to_string(epoch - m_firstEpoch + 1) + "/" +
                  std::to_string(m_epochs) + " validating...");
}

void TrainingProgress::epochFinished(const EpochFinished& e)
{
    m_line.finish("");
    std::cout << "Epoch " << e.epoch - m_firstEpoch + 1 << "/" << m_epochs << " - "
              << text::number(e.seconds, 1) << "s - "
              << text::withThousands(static_cast<std::int64_t>(e.samplesPerSecond))
              << " samples/s - " << formatMetrics(e.metrics) << (e.improved ? " *" : "")
              << std::endl;
}

void TrainingProgress::finished(const TrainingFinished& f)
{
    for (const auto& m : f.messages)
        std::cout << m << '\n';
    std::cout << "training " << f.reason;
    if (f.bestEpoch >= 0)
        std::cout << "; best epoch " << f.bestEpoch - m_firstEpoch + 1
                  << (f.restoredBest ? " (its weights restored)" : "");
    std::cout << std::endl;
}

} // namespace kdna::cli
