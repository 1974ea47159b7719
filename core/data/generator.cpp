#include "core/data/generator.h"

#include "core/data/permutation.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>

namespace kdna {

// ---------------------------------------------------------------------------------------------
// Generator

Generator::Generator(std::shared_ptr<const Dataset> dataset, BatchLayout layout,
                     GeneratorOptions options)
    : m_dataset(std::move(dataset))
    , m_layout(std::move(layout))
    , m_options(options)
{
    if (m_layout.batchSize < 1)
        throw Error::atKeyword("batch_size", "must be at least 1");
    if (m_options.shuffle && m_dataset->size() < m_layout.batchSize)
        throw Error::atKeyword("batch_size",
                               std::to_string(m_layout.batchSize) + " is more than the dataset's " +
                                   text::withThousands(m_dataset->size()) + " examples");
    // The reshapes are checked against the natural shapes here (the error shows both).
    DatasetSpec spec = m_dataset->spec();
    spec.batch_size = m_layout.batchSize;
    spec.output_shape = m_layout.outputShape;
    spec.sec_input_shape = m_layout.secInputShape;
    m_inputShape = predictInputShape(spec, m_dataset->inputLength());
    m_labelShape = predictLabelShape(spec, m_dataset->inputLength());
    m_secondaryShape = predictSecInputShape(spec, m_dataset->inputLength());
}

std::int64_t Generator::batchesPerEpoch() const
{
    const std::int64_t n = m_dataset->size();
    return m_options.shuffle ? n / m_layout.batchSize
                             : (n + m_layout.batchSize - 1) / m_layout.batchSize;
}

bool Generator::secondaryAsTarget() const
{
    return m_dataset->spec().use_sec_as == SecondaryUse::Targets;
}

int Generator::workerCount() const
{
    if (m_options.workers > 0)
        return m_options.workers;
    // Batch preparation runs at tens of thousands of windows a second per core: a quarter of
    // the machine keeps any model fed and leaves the rest to torch.
    const unsigned hw = std::max(1U, std::thread::hardware_concurrency());
    return static_cast<int>(std::clamp(hw / 4, 1U, 8U));
}

std::vector<std::int64_t> Generator::exampleIndices(std::int64_t g) const
{
    const std::int64_t perEpoch = batchesPerEpoch();
    const std::int64_t n = m_dataset->size();
    const std::int64_t pass = perEpoch > 0 ? g / perEpoch : 0;
    const std::int64_t within = perEpoch > 0 ? g % perEpoch : 0;
    const std::int64_t begin = within * m_layout.batchSize;
    const std::int64_t end = std::min(n, begin + m_layout.batchSize);
    std::vector<std::int64_t> out;
    out.reserve(static_cast<std::size_t>(std::max<std::int64_t>(0, end - begin)));
    if (!m_options.shuffle) {
        for (std::int64_t i = begin; i < end; ++i)
            out.push_back(i);
        return out;
    }
    const Permutation order(static_cast<std::uint64_t>(n),
                            mix64(m_layout.seed) ^ static_cast<std::uint64_t>(pass));
    for (std::int64_t i = begin; i < end; ++i)
        out.push_back(static_cast<std::int64_t>(order(static_cast<std::uint64_t>(i))));
    return out;
}

namespace {

void prepare(Array& a, const Shape& perExample, std::int64_t rows)
{
    a.shape = perExample;
    a.shape.insert(a.shape.begin(), rows);
    a.values.resize(static_cast<std::size_t>(rows * elementCount(perExample)));
}

} // namespace

void Generator::fill(std::int64_t g, Batch& batch) const
{
    const auto indices = exampleIndices(g);
    const auto rows = static_cast<std::int64_t>(indices.size());
    const Dataset& data = *m_dataset;
    const Shape& inShape = m_inputShape;
    const Shape& labShape = m_labelShape;
    const Shape& secShape = m_secondaryShape;
    const bool hasSecondary = !secShape.empty();

    batch.index = g;
    batch.examples = rows;
    batch.inputs.resize(hasSecondary && !secondaryAsTarget() ? 2 : 1);
    batch.targets.resize(hasSecondary && secondaryAsTarget() ? 2 : 1);
    prepare(batch.inputs[0], inShape, rows);
    prepare(batch.targets[0], labShape, rows);
    Array* secondary = nullptr;
    if (hasSecondary) {
        secondary = secondaryAsTarget() ? &batch.targets[1] : &batch.inputs[1];
        prepare(*secondary, secShape, rows);
    }
    if (data.weighted())
        prepare(batch.weights, {}, rows);
    else
        batch.weights = Array{};

    const std::int64_t inSize = elementCount(inShape);
    const std::int64_t labSize = elementCount(labShape);
    const std::int64_t secSize = hasSecondary ? elementCount(secShape) : 0;
    for (std::int64_t r = 0; r < rows; ++r) {
        ExampleSlots slots;
        slots.input = batch.inputs[0].values.data() + r * inSize;
        slots.label = batch.targets[0].values.data() + r * labSize;
        slots.secondary = secondary ? secondary->values.data() + r * secSize : nullptr;
        const float w = data.fill(indices[static_cast<std::size_t>(r)], slots);
        if (!batch.weights.empty())
            batch.weights.values[static_cast<std::size_t>(r)] = w;
    }
}

Batch Generator::batch(std::int64_t g) const
{
    Batch b;
    fill(g, b);
    return b;
}

// ---------------------------------------------------------------------------------------------
// BatchStream

BatchStream::BatchStream(const Generator& generator, std::int64_t first, std::int64_t count,
                         std::int64_t stride)
    : m_generator(generator)
    , m_first(first)
    , m_end(count < 0 ? std::numeric_limits<std::int64_t>::max() : first + count)
    , m_stride(std::max<std::int64_t>(1, stride))
    , m_workers(generator.workerCount())
    , m_prefetch(generator.options().prefetch > 0 ? generator.options().prefetch
                                                  : 2 * generator.workerCount())
    , m_next(first)
{
    for (int w = 0; w < m_workers; ++w)
        m_threads.emplace_back([this, w] { work(w); });
}

BatchStream::~BatchStream()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_room.notify_all();
    m_ready.notify_all();
    for (auto& t : m_threads)
        t.join();
}

void BatchStream::work(int worker)
{
    for (std::int64_t g = m_first + worker; g < m_end; g += m_workers) {
        Batch batch;
        {
            std::unique_lock lock(m_mutex);
            m_room.wait(lock, [&] { return m_stop || g < m_next + m_prefetch; });
            if (m_stop)
                return;
            if (!m_free.empty()) {
                batch = std::move(m_free.back());
                m_free.pop_back();
            }
        }
        try {
            // Positions g count the handed-out batches; the stride maps them to the stream's.
            m_generator.fill(m_first + (g - m_first) * m_stride, batch);
        } catch (...) {
            std::lock_guard lock(m_mutex);
            if (!m_error)
                m_error = std::current_exception();
            m_stop = true;
            m_ready.notify_all();
            m_room.notify_all();
            return;
        }
        {
            std::lock_guard lock(m_mutex);
            m_done.emplace(g, std::move(batch));
        }
        m_ready.notify_all();
    }
}

Batch BatchStream::next()
{
    std::unique_lock lock(m_mutex);
    if (m_next >= m_end)
        return Batch{};
    m_ready.wait(lock, [&] { return m_error || m_done.count(m_next) > 0; });
    if (m_error)
        std::rethrow_exception(m_error);
    auto node = m_done.extract(m_next);
    ++m_next;
    lock.unlock();
    m_room.notify_all();
    return std::move(node.mapped());
}

void BatchStream::recycle(Batch&& batch)
{
    std::lock_guard lock(m_mutex);
    if (static_cast<int>(m_free.size()) < m_prefetch)
        m_free.push_back(std::move(batch));
}

// ---------------------------------------------------------------------------------------------
// MultiDataset

MultiDataset::MultiDataset(std::vector<std::shared_ptr<const Dataset>> datasets,
                           std::vector<std::int64_t> perDataset, std::uint64_t seed)
    : m_datasets(std::move(datasets))
    , m_seed(seed)
{
    if (m_datasets.empty())
        throw Error::atKeyword("dataset_list", "needs at least one dataset");
    const Dataset& first = *m_datasets.front();
    for (std::size_t d = 0; d < m_datasets.size(); ++d) {
        const Dataset& other = *m_datasets[d];
        const auto inFirst = predictInputShape(first.spec(), first.inputLength());
        const auto inOther = predictInputShape(other.spec(), other.inputLength());
        if (inFirst != inOther || first.labelShape() != other.labelShape() ||
            first.secondaryShape() != other.secondaryShape())
            throw Error::atKeyword(
                "dataset_list",
                "dataset " + std::to_string(d) + " yields inputs " + text::tuple(inOther) +
                    " and labels " + text::tuple(other.labelShape()) + ", but dataset 0 yields " +
                    text::tuple(inFirst) + " and " + text::tuple(first.labelShape()) +
                    "; every dataset must have the same shapes");
        const std::int64_t available = other.size();
        std::int64_t wanted = available;
        if (!perDataset.empty()) {
            wanted = perDataset[d];
            if (wanted < 0 || wanted > available)
                throw Error::atKeyword("inst_per_dataset",
                                       "dataset " + std::to_string(d) + " has " +
                                           text::withThousands(available) + " examples, so " +
                                           std::to_string(wanted) + " cannot be drawn from it");
        }
        m_first.push_back(m_size);
        m_counts.push_back(wanted);
        m_size += wanted;
    }
}

std::pair<std::size_t, std::int64_t> MultiDataset::resolve(std::int64_t index) const
{
    const auto it = std::upper_bound(m_first.begin(), m_first.end(), index);
    const auto d = static_cast<std::size_t>(std::distance(m_first.begin(), it) - 1);
    const std::int64_t local = index - m_first[d];
    const std::int64_t available = m_datasets[d]->size();
    if (m_counts[d] == available)
        return {d, local};
    // A seeded choice of m_counts[d] distinct examples: the first ones of a permutation.
    const Permutation choice(static_cast<std::uint64_t>(available), mix64(m_seed + d + 17));
    return {d, static_cast<std::int64_t>(choice(static_cast<std::uint64_t>(local)))};
}

float MultiDataset::fill(std::int64_t index, const ExampleSlots& out) const
{
    const auto [d, local] = resolve(index);
    return m_datasets[d]->fill(local, out);
}

Locus MultiDataset::locus(std::int64_t index) const
{
    const auto [d, local] = resolve(index);
    Locus l = m_datasets[d]->locus(local);
    l.kind += " (dataset " + std::to_string(d) + ")";
    return l;
}

DatasetSummary MultiDataset::summary() const
{
    DatasetSummary s;
    for (std::size_t d = 0; d < m_datasets.size(); ++d) {
        const DatasetSummary part = m_datasets[d]->summary();
        s.positives += part.positives;
        s.negatives += part.negatives;
        for (auto c : part.chromosomes) {
            c.chrom = "[" + std::to_string(d) + "] " + c.chrom;
            s.chromosomes.push_back(std::move(c));
        }
        for (const auto& n : part.notes)
            s.notes.push_back("dataset " + std::to_string(d) + ": " + n);
        s.notes.push_back("dataset " + std::to_string(d) + ": " + text::withThousands(m_counts[d]) +
                          " of " + text::withThousands(m_datasets[d]->size()) + " examples used");
    }
    s.examples = m_size;
    return s;
}

// ---------------------------------------------------------------------------------------------

std::unique_ptr<Generator> openGenerator(const DatasetSpec& spec, const DataStatistics* fitted,
                                         GeneratorOptions options)
{
    BatchLayout layout{spec.batch_size, spec.output_shape, spec.sec_input_shape, spec.seed};
    return std::make_unique<Generator>(openDataset(spec, fitted), layout, options);
}

std::unique_ptr<Generator> openGenerator(const MultiSpec& spec,
                                         const std::vector<DataStatistics>* fitted,
                                         GeneratorOptions options)
{
    throwIfProblems(validate(spec));
    if (fitted && fitted->size() != spec.dataset_list.size())
        throw Error::atKeyword("dataset_list",
                               "the saved statistics cover " + std::to_string(fitted->size()) +
                                   " datasets, not " + std::to_string(spec.dataset_list.size()));
    std::vector<std::shared_ptr<const Dataset>> datasets;
    for (std::size_t d = 0; d < spec.dataset_list.size(); ++d)
        datasets.push_back(openDataset(spec.dataset_list[d], fitted ? &(*fitted)[d] : nullptr));
    auto multi =
        std::make_shared<MultiDataset>(std::move(datasets), spec.inst_per_dataset, spec.seed);
    const Shape secShape = spec.dataset_list.front().sec_input_shape;
    BatchLayout layout{spec.batch_size, spec.output_shape, secShape, spec.seed};
    return std::make_unique<Generator>(std::move(multi), layout, options);
}

} // namespace kdna
