#pragma once

// The layer registry: every layer type kdna builds, declared once with its Keras arguments,
// its shape and parameter inference, the tensors it holds and its step of a whole-sequence
// plan. One file per family under core/model/layers/ declares them (conv.cpp, pooling.cpp,
// core.cpp, recurrent.cpp, merge.cpp); the torch builders sit beside them (conv_torch.cpp, ...)
// in kdna_model, registered under the same type names (core/model/layers/torch_layers.h).
// This part is torch-free: the studio computes summaries without LibTorch.
//
// A new layer is one entry in its family's file (and its builder beside it): the palette,
// the property form, the spec checks, the summary, the weight-file checks and the
// whole-sequence planner all read it from here.

#include "core/model/inference_plan.h"
#include "core/model/model_spec.h"
#include "core/model/safetensors.h"
#include "core/util/shape.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace kdna::layers {

enum class ArgKind { Int, IntList, Float, Bool, Choice, Shape };

/// One Keras argument of a layer type.
struct Argument {
    const char* name;
    ArgKind kind;
    const char* defaultJson; ///< JSON text of the default, "null" when required or derived
    const char* help;
    std::vector<const char*> choices = {};
    /// The smallest value the form offers for an Int argument.
    int minimum = 1;
    /// For an argument whose null default means something ("= pool size"): what the form
    /// shows for it; such an argument is not required.
    const char* nullMeans = nullptr;
    /// JSON text of the value a layer added from the palette starts with, for a required
    /// argument (nullptr: none).
    const char* firstValue = nullptr;

    [[nodiscard]] bool required() const;
};

class Args;
struct LayerType;

/// What a layer's inference works on: its arguments and the shapes of its inputs.
struct InferInput {
    const LayerType& type;
    const Args& args;
    const std::vector<Shape>& inputs;
    const Shape& in; ///< the first input's shape (empty for an Input layer)
};

/// A layer's output shape and parameter count, as Keras' summary shows them.
struct Inferred {
    Shape outputShape; ///< without the batch axis
    std::int64_t params = 0;
    std::int64_t trainableParams = -1; ///< -1: all of params
};

/// Thrown by inference when the inputs do not fit the layer; the summary names the layer.
struct ShapeError {
    std::string message;
};

/// What a layer's whole-sequence step works on. The walk state runs along the chain.
struct PlanWalk {
    std::int64_t dilation = 1; ///< spacing, in bases, of the current map's values
    std::int64_t span = 1;     ///< bases one value of the current map covers
    bool flattened = false;    ///< a Flatten + Dense has been passed
};
struct PlanInput {
    const LayerSpec& layer;
    const Args& args;
    const Shape& in;
    const LayerSpec* next; ///< the layer after it, or null
};
struct PlanOutcome {
    std::string reason;     ///< why the layer cannot slide along a chromosome; empty: it can
    bool takesNext = false; ///< the step includes the next layer (Flatten + Dense)
};

using InferFn = Inferred (*)(const InferInput&);
using TensorsFn = std::vector<safetensors::TensorInfo> (*)(const Args&, const Shape& in,
                                                           const std::string& layerName);
using PlanFn = PlanOutcome (*)(const PlanInput&, PlanWalk&, InferenceStep&);

struct LayerType {
    const char* name;
    const char* group; ///< "Input", "Convolution", "Pooling", "Core", "Recurrent", "Merge"
    const char* help;
    std::vector<Argument> arguments;
    int minInputs = 1;
    int maxInputs = 1; ///< -1: any number
    /// Keras' other names for the layer (MaxPool1D for MaxPooling1D); a spec may use them.
    std::vector<const char*> aliases = {};
    InferFn infer = nullptr;
    /// The parameters and buffers it holds, by the names the torch module gives them;
    /// null for a layer without any.
    TensorsFn tensors = nullptr;
    /// Its step of a whole-sequence plan; null for a layer that cannot slide.
    PlanFn plan = nullptr;
};

/// Every layer type, in the palette's order.
[[nodiscard]] const std::vector<LayerType>& registry();
/// Null when kdna does not know `name` (exact names only; see fromKerasName).
[[nodiscard]] const LayerType* find(const std::string& name);
/// The layer type `name` or one of its Keras aliases stands for; null when none.
[[nodiscard]] const LayerType* fromKerasName(const std::string& name);
[[nodiscard]] const std::vector<const char*>& activations();

/// Keras' `axis` counts the batch axis: axis k > 0 is axis k - 1 of a shape without it, and
/// negative axes count from the end. Returns that index in [0, rank), or -1 when `axis` is
/// the batch axis (0) or outside the shape.
[[nodiscard]] int axisWithoutBatch(std::int64_t axis, std::size_t rank);

/// An argument's value with the default filled in (null for an argument `type` lacks).
[[nodiscard]] nlohmann::json argument(const LayerType& type, const nlohmann::json& args,
                                      const char* name);

/// A layer's arguments read with their defaults: the one place specs are read by name.
/// Holds references: it lives no longer than the type and the JSON it reads.
class Args {
public:
    Args(const LayerType& type, const nlohmann::json& args)
        : m_type(type)
        , m_args(args)
    {}
    [[nodiscard]] nlohmann::json value(const char* name) const;
    /// A whole-number argument, or `fallback` when it is not one (null strides: the pool).
    [[nodiscard]] std::int64_t integer(const char* name, std::int64_t fallback = 0) const;
    /// A 2D argument: [a, b], or one number for both; `fallback` otherwise.
    [[nodiscard]] std::pair<std::int64_t, std::int64_t>
    pair(const char* name, std::pair<std::int64_t, std::int64_t> fallback) const;
    [[nodiscard]] double number(const char* name) const;
    [[nodiscard]] bool flag(const char* name) const { return value(name) == true; }
    [[nodiscard]] std::string text(const char* name) const;
    /// The layer's activation; "linear" for a layer without one.
    [[nodiscard]] std::string activation() const;
    [[nodiscard]] bool bias() const { return value("use_bias") != false; }
    [[nodiscard]] bool samePadding() const { return value("padding") == "same"; }
    [[nodiscard]] Shape shape(const char* name) const;

private:
    const LayerType& m_type;
    const nlohmann::json& m_args;
};

// Helpers for the families' inference.

/// Throws ShapeError unless `in` has `rank` axes; `form` names them ("(length, channels)").
void needRank(const std::string& type, const Shape& in, std::size_t rank, const char* form);
/// Throws ShapeError naming `why` when a dimension of `out` is not positive.
void needPositive(const std::string& type, const Shape& out, const Shape& in,
                  const std::string& why);
/// Throws ShapeError "NAME must be at least 1, not V" for a size, count or step below 1.
void needAtLeastOne(const char* name, std::int64_t value);
/// "(None, 2001, 4)": a shape with Keras' batch axis.
[[nodiscard]] std::string withNone(const Shape& s);
/// The PlanOutcome of a layer that cannot slide along a chromosome.
[[nodiscard]] PlanOutcome cannotSlide(const LayerSpec& layer);

} // namespace kdna::layers
