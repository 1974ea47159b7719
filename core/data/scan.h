#pragma once

#include <concepts>
#include <cstdint>
#include <functional>
#include <span>

namespace kdna {

/// A piece of a scan: `values`, each standing for `repeats[i]` bases, or for one each when
/// `repeats` is empty; a bigWig's runs are scanned as they are stored, not base by base.
struct ScanPiece {
    ScanPiece(std::span<const float> v) // NOLINT(google-explicit-constructor): per-base pieces
        : values(v)
    {}
    ScanPiece(std::span<const float> v, std::span<const std::uint32_t> r)
        : values(v)
        , repeats(r)
    {}
    /// f(value, repeats) for each value in order.
    template<typename F>
    void forEach(F&& f) const
    {
        if (repeats.empty())
            for (float x : values)
                f(x, std::uint32_t{1});
        else
            for (std::size_t i = 0; i < values.size(); ++i)
                f(values[i], repeats[i]);
    }

    std::span<const float> values;
    std::span<const std::uint32_t> repeats;
};

/// Where a piece of a scan lies: its part, and the worker (0 to workers - 1) visiting it.
struct ScanPlace {
    std::size_t part = 0;
    std::size_t worker = 0;
};

/// Every value of a track over a dataset's chromosomes, in pieces, as many times as asked
/// (one per statistics pass). A scan is cut into parts, stretches of the genome numbered in
/// order and cut the same way each time, that several workers may visit at once (a human
/// track's pass takes seconds per core): every piece of a part comes in order from one
/// worker. A sum kept per part and added up in part order is therefore the same whatever the
/// number of workers, and counts, extremes and histograms kept per worker merge exactly.
class Scan {
public:
    using Visit = std::function<void(const ScanPiece&)>;
    using PlacedVisit = std::function<void(ScanPlace, const ScanPiece&)>;
    /// Visits every part with the given number of workers (1: in order on the calling thread).
    using Run = std::function<void(std::size_t workers, const PlacedVisit&)>;

    /// A scan of one part, visited in order on the calling thread.
    template<typename F>
    requires std::invocable<const F&, const Visit&>
    Scan(F inOrder) // NOLINT(google-explicit-constructor): any in-order visiting is a scan
        : m_parts(1)
        , m_workers(1)
        , m_run([inOrder = std::move(inOrder)](std::size_t, const PlacedVisit& visit) {
            inOrder([&](const ScanPiece& piece) { visit({}, piece); });
        })
    {}
    /// `bases`: how many bases the scan covers (0: not known beforehand).
    Scan(std::size_t parts, std::size_t workers, Run run, std::uint64_t bases = 0);

    [[nodiscard]] std::size_t parts() const { return m_parts; }
    [[nodiscard]] std::size_t workers() const { return m_workers; }
    [[nodiscard]] std::uint64_t bases() const { return m_bases; }
    /// Every piece in order, on the calling thread.
    void operator()(const Visit& visit) const;
    /// Every piece, the parts spread over workers() threads; `visit` is called concurrently
    /// for different workers.
    void visitParts(const PlacedVisit& visit) const;

private:
    std::size_t m_parts;
    std::size_t m_workers;
    Run m_run;
    std::uint64_t m_bases = 0;
};

/// Runs visitPart(part, worker) for parts [0, parts) on `workers` threads, the calling
/// thread being worker 0, each taking the next part when it is done with one; `wait` is
/// called on the calling thread every tenth of a second once it has no part left and others
/// are still working (to report their progress). The first exception thrown stops the
/// others at their next part and is thrown here.
void runParts(std::size_t parts, std::size_t workers,
              const std::function<void(std::size_t part, std::size_t worker)>& visitPart,
              const std::function<void()>& wait);

/// How many workers a scan of `parts` parts gets on this machine.
[[nodiscard]] std::size_t scanWorkers(std::size_t parts);

} // namespace kdna
