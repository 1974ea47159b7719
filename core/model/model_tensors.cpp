#include "core/model/model_tensors.h"

#include "core/model/layer_catalog.h"
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
    const auto integer = [&](const char* n) {
        const auto v = layers::argument(t, l.args, n);
        return v.is_number_integer() ? v.get<std::int64_t>() : 0;
    };
    const auto pair = [&](const char* n, std::int64_t fallback) {
        const auto v = layers::argument(t, l.args, n);
        if (v.is_number_integer())
            return std::pair{v.get<std::int64_t>(), v.get<std::int64_t>()};
        if (v.is_array() && v.size() == 2)
            return std::pair{v[0].get<std::int64_t>(), v[1].get<std::int64_t>()};
        return std::pair{fallback, fallback};
    };
    const bool bias = layers::argument(t, l.args, "use_bias") != false;
    const std::string& n = l.name;
    std::vector<TensorInfo> out;
    const auto add = [&](const std::string& suffix, Shape shape, const char* sizedBy,
                         DType dtype = DType::F32) {
        out.push_back({n + "." + suffix, dtype, std::move(shape), sizedBy});
    };
    if (l.type == "Conv1D") {
        const std::int64_t f = integer("filters");
        add("weight", {f, in[1], integer("kernel_size")}, "filters");
        if (bias)
            add("bias", {f}, "filters");
    } else if (l.type == "Conv2D" || l.type == "Conv2DTranspose") {
        const std::int64_t f = integer("filters");
        const auto [kh, kw] = pair("kernel_size", 1);
        if (l.type == "Conv2D")
            add("weight", {f, in[2], kh, kw}, "filters");
        else
            add("weight", {in[2], f, kh, kw}, "filters");
        if (bias)
            add("bias", {f}, "filters");
    } else if (l.type == "Dense") {
        const std::int64_t units = integer("units");
        add("weight", {units, in.back()}, "units");
        if (bias)
            add("bias", {units}, "units");
    } else if (l.type == "BatchNormalization") {
        const Shape channels = {in.back()};
        for (const char* s : {"weight", "bias", "running_mean", "running_var"})
            add(s, channels, "");
        add("num_batches_tracked", {}, "", DType::I64);
    } else if (l.type == "GRU") {
        const std::int64_t units = integer("units");
        const bool both = layers::argument(t, l.args, "bidirectional") == true;
        for (const std::string dir : {"", "_reverse"}) {
            if (!dir.empty() && !both)
                break;
            add("weight_ih_l0" + dir, {3 * units, in[1]}, "units");
            add("weight_hh_l0" + dir, {3 * units, units}, "units");
            add("bias_ih_l0" + dir, {3 * units}, "units");
            add("bias_hh_l0" + dir, {3 * units}, "units");
        }
    }
    return out;
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
        throw Error("model: " + summary.error, "model");
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
