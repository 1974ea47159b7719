#include "core/data/shapes.h"

#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <utility>

namespace kdna {
namespace {

std::int64_t lengthOf(const DatasetSpec& spec, std::int64_t resolved)
{
    const std::int64_t length = spec.inputLength() > 0 ? spec.inputLength() : resolved;
    if (length <= 0) {
        if (spec.isSparse())
            throw Error::atKeyword(
                "seq_len", "'MAXLEN' is the longest positive on the included chromosomes; "
                           "it is known once the annotation files are read (or give a number)");
        throw Error::atKeyword("window", "is required for bigWig data (e.g. 2001)");
    }
    return length;
}

/// Reshapes `natural` (no batch axis) to `requested` (batch axis first) when they hold the
/// same number of elements and the batch matches.
Shape reshaped(const Shape& natural, const Shape& requested, std::int64_t batch,
               const char* keyword)
{
    if (requested.empty())
        return natural;
    const std::int64_t want = batch * elementCount(natural);
    if (requested.front() != batch || elementCount(requested) != want) {
        Shape withBatch = natural;
        withBatch.insert(withBatch.begin(), batch);
        throw Error::atKeyword(
            keyword, text::tuple(requested) + " cannot hold the batches, whose shape is " +
                         text::tuple(withBatch) + " (" + text::withThousands(want) +
                         " values); give a shape with " + std::to_string(batch) +
                         " first and the same number of values");
    }
    return Shape(requested.begin() + 1, requested.end());
}

Shape grouped(std::int64_t length, std::int64_t files, int perGroup)
{
    if (perGroup > 0)
        return {length, files / perGroup, perGroup};
    return {length, files};
}

} // namespace

namespace {

enum class Axis { Sequence, Dummy, Alphabet };

/// The order of the input's axes: kipoiseq starts from (sequence, alphabet), inserts the
/// dummy axis at dummy_axis, then swaps the alphabet axis into alphabet_axis.
std::vector<Axis> inputAxes(const DatasetSpec& spec)
{
    std::vector<Axis> axes = {Axis::Sequence, Axis::Alphabet};
    std::size_t alphabetAt = 1;
    if (spec.dummy_axis >= 0) {
        if (spec.dummy_axis > 2)
            throw Error::atKeyword("dummy_axis", "must be None, 0, 1 or 2");
        axes.insert(axes.begin() + spec.dummy_axis, Axis::Dummy);
        if (static_cast<std::size_t>(spec.dummy_axis) <= alphabetAt)
            ++alphabetAt;
    }
    const int maxAxis = static_cast<int>(axes.size()) - 1;
    if (spec.alphabet_axis < 0 || spec.alphabet_axis > maxAxis ||
        (spec.dummy_axis >= 0 && spec.alphabet_axis == spec.dummy_axis))
        throw Error::atKeyword("alphabet_axis",
                               std::to_string(spec.alphabet_axis) + " is not a free axis of a " +
                                   std::to_string(axes.size()) + "-axis input (valid: 0" +
                                   (maxAxis == 2 ? std::string(", 1 or 2") : std::string(" or 1")) +
                                   ", not the dummy_axis)");
    std::swap(axes[alphabetAt], axes[static_cast<std::size_t>(spec.alphabet_axis)]);
    return axes;
}

} // namespace

bool alphabetBeforeSequence(const DatasetSpec& spec)
{
    for (const Axis a : inputAxes(spec)) {
        if (a == Axis::Alphabet)
            return true;
        if (a == Axis::Sequence)
            return false;
    }
    return false;
}

Shape predictInputShape(const DatasetSpec& spec, std::int64_t resolvedLength)
{
    const std::int64_t length = lengthOf(spec, resolvedLength);
    Shape s;
    for (const Axis a : inputAxes(spec))
        s.push_back(a == Axis::Sequence ? length : a == Axis::Alphabet ? 4 : 1);
    return s;
}

Shape naturalLabelShape(const DatasetSpec& spec, std::int64_t resolvedLength)
{
    const auto files = static_cast<std::int64_t>(spec.annotation_files.size());
    if (!spec.isSparse())
        return grouped(spec.tg_window, files, spec.nb_annotation_type);
    const auto annotations = static_cast<std::int64_t>(spec.annotation_list.size());
    if (spec.seq2seq)
        return {lengthOf(spec, resolvedLength), files, annotations};
    return {files, annotations};
}

Shape predictLabelShape(const DatasetSpec& spec, std::int64_t resolvedLength)
{
    return reshaped(naturalLabelShape(spec, resolvedLength), spec.output_shape, spec.batch_size,
                    "output_shape");
}

std::int64_t secondaryLength(const DatasetSpec& spec, std::int64_t resolvedLength)
{
    return spec.sec_input_length > 0 ? spec.sec_input_length : lengthOf(spec, resolvedLength);
}

Shape naturalSecShape(const DatasetSpec& spec, std::int64_t resolvedLength)
{
    if (spec.sec_inputs.empty())
        return {};
    return grouped(secondaryLength(spec, resolvedLength),
                   static_cast<std::int64_t>(spec.sec_inputs.size()), spec.sec_nb_annotation);
}

Shape predictSecInputShape(const DatasetSpec& spec, std::int64_t resolvedLength)
{
    if (spec.sec_inputs.empty())
        return {};
    return reshaped(naturalSecShape(spec, resolvedLength), spec.sec_input_shape, spec.batch_size,
                    "sec_input_shape");
}

std::vector<Problem> shapeProblems(const DatasetSpec& spec, std::int64_t resolvedLength)
{
    std::vector<Problem> problems = validate(spec);
    auto known = [&problems](const std::string& keyword) {
        return std::any_of(problems.begin(), problems.end(),
                           [&](const Problem& p) { return p.keyword == keyword; });
    };
    // A sparse seq_len 'MAXLEN' is known only from the data: until then, check what does not
    // depend on it (the label shape without seq2seq).
    const bool lengthKnown = spec.inputLength() > 0 || resolvedLength > 0;
    std::vector<Shape (*)(const DatasetSpec&, std::int64_t)> checks;
    if (lengthKnown)
        checks = {&predictInputShape, &predictLabelShape, &predictSecInputShape};
    else if (spec.isSparse() && !spec.seq2seq)
        checks = {&predictLabelShape};
    for (auto* f : checks) {
        try {
            (void)f(spec, lengthKnown ? resolvedLength : 1);
        } catch (const Error& e) {
            if (known(e.keyword()))
                continue;
            const std::string prefix = e.keyword() + ": ";
            std::string msg = e.what();
            if (msg.rfind(prefix, 0) == 0)
                msg = msg.substr(prefix.size());
            problems.push_back({e.keyword(), msg});
        }
    }
    return problems;
}

} // namespace kdna
