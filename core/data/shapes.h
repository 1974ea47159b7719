#pragma once

#include "core/data/dataset_spec.h"
#include "core/util/shape.h"

#include <cstdint>
#include <vector>

/// keras_dna's predict_input_shape / predict_label_shape / predict_sec_input_shape: pure
/// functions of the spec (no batch axis). A sparse spec with seq_len 'MAXLEN' needs the
/// longest positive, which only the data knows: pass it as `resolvedLength` (the dataset does).
namespace kdna {

/// Shape of one one-hot input, honouring dummy_axis and alphabet_axis.
[[nodiscard]] Shape predictInputShape(const DatasetSpec& spec, std::int64_t resolvedLength = 0);
/// Shape of one label after output_shape; throws naming output_shape and both shapes when it
/// does not multiply out to the natural shape, batch included.
[[nodiscard]] Shape predictLabelShape(const DatasetSpec& spec, std::int64_t resolvedLength = 0);
/// Shape of one secondary input (or target) after sec_input_shape; empty without sec_inputs.
[[nodiscard]] Shape predictSecInputShape(const DatasetSpec& spec, std::int64_t resolvedLength = 0);

/// The label shape before output_shape: (tg_window, files[/k, k]) for bigWig data,
/// (cell types, annotations) or (seq_len, cell types, annotations) with seq2seq.
[[nodiscard]] Shape naturalLabelShape(const DatasetSpec& spec, std::int64_t resolvedLength = 0);
/// The secondary shape before sec_input_shape: (length, files[/k, k]).
[[nodiscard]] Shape naturalSecShape(const DatasetSpec& spec, std::int64_t resolvedLength = 0);
/// Length of the secondary window ('maxlen' resolved).
[[nodiscard]] std::int64_t secondaryLength(const DatasetSpec& spec,
                                           std::int64_t resolvedLength = 0);

/// True when the alphabet axis comes before the sequence axis (e.g. (4, 2001)), so the
/// generator writes the one-hot transposed.
[[nodiscard]] bool alphabetBeforeSequence(const DatasetSpec& spec);

/// All shape problems at once (validate() plus the reshapes), for the previewer.
[[nodiscard]] std::vector<Problem> shapeProblems(const DatasetSpec& spec,
                                                 std::int64_t resolvedLength = 0);

} // namespace kdna
