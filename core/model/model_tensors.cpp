#include "core/model/model_tensors.h"

#include "core/model/layer_registry.h"
#include "core/model/summary.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <limits>

#include <nlohmann/json.hpp>

namespace kdna {
namespace {

using safetensors::DType;
using safetensors::TensorInfo;

std::string layerLabel(const LayerSpec& l)
{
    return "layer '" + l.name + "' (" + l.type + ")";
}

std::string numberText(const nlohmann::json& v)
{
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max())
        return std::to_string(v.get<std::uint64_t>());
    return text::withThousands(v.get<std::int64_t>());
}

bool beyondLimit(const nlohmann::json& v)
{
    if (v.is_number_unsigned())
        return v.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxDimension);
    return v.is_number_integer() && v.get<std::int64_t>() > kMaxDimension;
}

/// Every size argument within kMaxDimension, before the summary multiplies any of them.
void checkSizeArguments(const ModelSpec& spec)
{
    using layers::ArgKind;
    for (const LayerSpec& l : spec.layers) {
        const layers::LayerType* t = layers::find(l.type);
        if (!t)
            continue; // the summary names it
        for (const auto& a : t->arguments) {
            if (a.kind != ArgKind::Int && a.kind != ArgKind::IntList && a.kind != ArgKind::Shape)
                continue;
            const nlohmann::json v = layers::argument(*t, l.args, a.name);
            const auto values = v.is_array() ? v : nlohmann::json::array({v});
            for (const auto& e : values)
                if (beyondLimit(e))
                    throw Error(layerLabel(l) + ": '" + a.name + "' is " + numberText(e) +
                                    ", more than the " + text::withThousands(kMaxDimension) +
                                    " kdna allows",
                                a.name);
        }
    }
}

/// The tensors of one layer, `in` being the shape of its (first) input.
std::vector<TensorInfo> tensorsOf(const LayerSpec& l, const Shape& in)
{
    const layers::LayerType& t = *layers::find(l.type);
    return t.tensors ? t.tensors(layers::Args(t, l.args), in, l.name) : std::vector<TensorInfo>{};
}

/// The values of a shape, or -1 when they would not fit in 64 bits.
std::int64_t valuesOf(const Shape& shape)
{
    std::int64_t n = 1;
    for (const std::int64_t d : shape)
        if (__builtin_mul_overflow(n, d, &n))
            return -1;
    return n;
}

} // namespace

std::vector<TensorInfo> modelTensors(const ModelSpec& input)
{
    ModelSpec spec = input;
    spec.normalize();
    checkSizeArguments(spec);
    const ModelSummary summary = summarize(spec);
    if (!summary.ok())
        throw Error::atKeyword("model", summary.error);
    std::vector<TensorInfo> all;
    std::int64_t total = 0;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        const LayerSpec& l = spec.layers[i];
        const Shape in =
            l.inputs.empty()
                ? Shape{}
                : summary.layers[static_cast<std::size_t>(spec.indexOf(l.inputs.front()))]
                      .outputShape;
        for (TensorInfo& t : tensorsOf(l, in)) {
            const std::int64_t n = valuesOf(t.shape);
            if (n < 0 || __builtin_add_overflow(total, n, &total) || total > kMaxModelValues)
                throw Error(layerLabel(l) + ": " +
                                (t.sizedBy.empty() ? "its input" : "its '" + t.sizedBy + "'") +
                                " makes " + t.name + " " + text::tuple(t.shape) +
                                ", and the model more than the " +
                                text::withThousands(kMaxModelValues) + " parameters kdna allows",
                            t.sizedBy);
            all.push_back(std::move(t));
        }
    }
    return all;
}

} // namespace kdna
