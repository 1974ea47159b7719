#pragma once

#include "core/data/batch.h"
#include "core/data/dataset.h"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace kdna {

/// How examples become batches.
struct BatchLayout {
    std::int64_t batchSize = 64;
    Shape outputShape;   ///< keras_dna output_shape (batch first), empty: natural
    Shape secInputShape; ///< sec_input_shape (batch first), empty: natural
    std::uint64_t seed = 1;
};

struct GeneratorOptions {
    /// Shuffle every pass over the data (training). Off: examples in order (evaluation,
    /// prediction), and the last, partial batch is kept.
    bool shuffle = true;
    /// Threads preparing batches ahead of the consumer; 0 picks from the machine.
    int workers = 0;
    /// Batches kept ready; 0: two per worker.
    int prefetch = 0;
};

/// keras_dna's Generator: turns a dataset into batches. Batch `g` of the endless stream is a
/// pure function of (dataset, seed, g): pass p = g / batchesPerEpoch() uses its own seeded
/// permutation of the examples, so any number of worker threads yields the same batches.
class Generator {
public:
    Generator(std::shared_ptr<const Dataset> dataset, BatchLayout layout,
              GeneratorOptions options = {});

    [[nodiscard]] const Dataset& dataset() const { return *m_dataset; }
    [[nodiscard]] std::shared_ptr<const Dataset> datasetPtr() const { return m_dataset; }
    [[nodiscard]] const BatchLayout& layout() const { return m_layout; }
    [[nodiscard]] const GeneratorOptions& options() const { return m_options; }
    [[nodiscard]] std::int64_t batchSize() const { return m_layout.batchSize; }
    /// Batches in one pass: examples // batch_size when shuffling (the rest is dropped, as in
    /// keras_dna), else ceil(examples / batch_size).
    [[nodiscard]] std::int64_t batchesPerEpoch() const;

    /// Per-example shapes, as keras_dna's predict_*_shape give them.
    [[nodiscard]] const Shape& inputShape() const { return m_inputShape; }
    [[nodiscard]] const Shape& labelShape() const { return m_labelShape; }
    [[nodiscard]] const Shape& secondaryShape() const { return m_secondaryShape; }
    [[nodiscard]] bool secondaryAsTarget() const;

    /// The examples of batch `g` (dataset indices, in batch order).
    [[nodiscard]] std::vector<std::int64_t> exampleIndices(std::int64_t g) const;
    /// Fills batch `g`, reusing `batch`'s buffers.
    void fill(std::int64_t g, Batch& batch) const;
    [[nodiscard]] Batch batch(std::int64_t g) const;
    [[nodiscard]] int workerCount() const;

private:
    std::shared_ptr<const Dataset> m_dataset;
    BatchLayout m_layout;
    GeneratorOptions m_options;
    Shape m_inputShape, m_labelShape, m_secondaryShape;
};

/// Batches g = first, first + stride, first + 2 stride, ... prepared on worker threads, handed
/// out in order. A stride of N with first = rank gives each of N data-parallel ranks its own
/// disjoint share of the one seeded stream.
class BatchStream {
public:
    /// `count` batches at most (negative: endless).
    BatchStream(const Generator& generator, std::int64_t first, std::int64_t count = -1,
                std::int64_t stride = 1);
    ~BatchStream();
    BatchStream(const BatchStream&) = delete;
    BatchStream& operator=(const BatchStream&) = delete;

    /// The next batch; blocks until it is ready. Rethrows a worker's error. Returns a batch
    /// with index -1 once `count` batches were given.
    Batch next();
    /// Gives a used batch's buffers back, to spare allocations.
    void recycle(Batch&& batch);

private:
    void work(int worker);

    const Generator& m_generator;
    const std::int64_t m_first;
    const std::int64_t m_end;
    const std::int64_t m_stride;
    const int m_workers;
    const int m_prefetch;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::condition_variable m_room;
    std::map<std::int64_t, Batch> m_done;
    std::vector<Batch> m_free;
    std::int64_t m_next;
    bool m_stop = false;
    std::exception_ptr m_error;
    std::vector<std::thread> m_threads;
};

/// keras_dna's MultiGenerator data: several datasets with equal shapes, each contributing
/// inst_per_dataset examples (a seeded choice, 'all' by default).
class MultiDataset final : public Dataset {
public:
    MultiDataset(std::vector<std::shared_ptr<const Dataset>> datasets,
                 std::vector<std::int64_t> perDataset, std::uint64_t seed);

    [[nodiscard]] std::int64_t size() const override { return m_size; }
    [[nodiscard]] const DatasetSpec& spec() const override { return m_datasets.front()->spec(); }
    [[nodiscard]] std::int64_t inputLength() const override
    {
        return m_datasets.front()->inputLength();
    }
    float fill(std::int64_t index, const ExampleSlots& out) const override;
    [[nodiscard]] Locus locus(std::int64_t index) const override;
    [[nodiscard]] DatasetSummary summary() const override;
    [[nodiscard]] const DataStatistics& statistics() const override
    {
        return m_datasets.front()->statistics();
    }
    [[nodiscard]] bool mixesDatasets() const override { return true; }
    [[nodiscard]] const std::vector<std::shared_ptr<const Dataset>>& datasets() const
    {
        return m_datasets;
    }

private:
    std::pair<std::size_t, std::int64_t> resolve(std::int64_t index) const;

    std::vector<std::shared_ptr<const Dataset>> m_datasets;
    std::vector<std::int64_t> m_counts;
    std::vector<std::int64_t> m_first;
    std::int64_t m_size = 0;
    std::uint64_t m_seed;
};

/// A generator for a Generator spec; `fitted` statistics (from training) are reused instead
/// of fitting new ones.
[[nodiscard]] std::unique_ptr<Generator> openGenerator(const DatasetSpec& spec,
                                                       const DataStatistics* fitted = nullptr,
                                                       GeneratorOptions options = {});
/// A generator for a MultiGenerator spec; `fitted` holds one DataStatistics per dataset.
[[nodiscard]] std::unique_ptr<Generator>
openGenerator(const MultiSpec& spec, const std::vector<DataStatistics>* fitted = nullptr,
              GeneratorOptions options = {});

} // namespace kdna
