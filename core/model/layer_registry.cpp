#include "core/model/layer_registry.h"

#include "core/model/layers/families.h"
#include "core/util/text.h"

#include <cstring>

namespace kdna::layers {
namespace {

std::vector<LayerType> makeRegistry()
{
    // The palette's order: its groups appear in the order of their first layer.
    std::vector<LayerType> all;
    for (auto family :
         {inputLayers, convolutionLayers, poolingLayers, coreLayers, recurrentLayers, mergeLayers})
        for (LayerType& t : family())
            all.push_back(std::move(t));
    return all;
}

} // namespace

bool Argument::required() const
{
    return std::strcmp(defaultJson, "null") == 0 && nullMeans == nullptr;
}

const std::vector<LayerType>& registry()
{
    static const std::vector<LayerType> table = makeRegistry();
    return table;
}

const LayerType* find(const std::string& name)
{
    for (const auto& t : registry())
        if (name == t.name)
            return &t;
    return nullptr;
}

const LayerType* fromKerasName(const std::string& name)
{
    for (const auto& t : registry()) {
        if (name == t.name)
            return &t;
        for (const char* alias : t.aliases)
            if (name == alias)
                return &t;
    }
    return nullptr;
}

const std::vector<const char*>& activations()
{
    return activationArgument().choices;
}

int axisWithoutBatch(std::int64_t axis, std::size_t rank)
{
    const auto r = static_cast<std::int64_t>(rank);
    const std::int64_t i = axis < 0 ? axis + r : axis - 1;
    return axis == 0 || i < 0 || i >= r ? -1 : static_cast<int>(i);
}

nlohmann::json argument(const LayerType& type, const nlohmann::json& args, const char* name)
{
    if (args.contains(name) && !args.at(name).is_null())
        return args.at(name);
    for (const auto& a : type.arguments)
        if (std::strcmp(a.name, name) == 0)
            return nlohmann::json::parse(a.defaultJson);
    return nullptr;
}

nlohmann::json Args::value(const char* name) const
{
    return argument(m_type, m_args, name);
}

std::int64_t Args::integer(const char* name, std::int64_t fallback) const
{
    const auto v = value(name);
    return v.is_number_integer() ? v.get<std::int64_t>() : fallback;
}

std::pair<std::int64_t, std::int64_t>
Args::pair(const char* name, std::pair<std::int64_t, std::int64_t> fallback) const
{
    const auto v = value(name);
    if (v.is_number_integer())
        return {v.get<std::int64_t>(), v.get<std::int64_t>()};
    if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer())
        return {v[0].get<std::int64_t>(), v[1].get<std::int64_t>()};
    return fallback;
}

double Args::number(const char* name) const
{
    return value(name).get<double>();
}

std::string Args::text(const char* name) const
{
    const auto v = value(name);
    return v.is_string() ? v.get<std::string>() : std::string();
}

std::string Args::activation() const
{
    const auto v = value("activation");
    return v.is_string() ? v.get<std::string>() : std::string("linear");
}

Shape Args::shape(const char* name) const
{
    Shape out;
    for (const auto& d : value(name))
        out.push_back(d.get<std::int64_t>());
    return out;
}

void needAtLeastOne(const char* name, std::int64_t value)
{
    if (value < 1)
        throw ShapeError{std::string(name) + " must be at least 1, not " + std::to_string(value)};
}

void needRank(const std::string& type, const Shape& in, std::size_t rank, const char* form)
{
    if (in.size() != rank)
        throw ShapeError{type + " needs a " + form + " input, but gets " + text::tuple(in)};
}

void needPositive(const std::string& type, const Shape& out, const Shape& in,
                  const std::string& why)
{
    for (auto d : out)
        if (d <= 0)
            throw ShapeError{type + " would output " + text::tuple(out) + " from " +
                             text::tuple(in) + ": " + why};
}

std::string withNone(const Shape& s)
{
    std::string out = "(None";
    for (auto d : s)
        out += ", " + std::to_string(d);
    return out + ")";
}

PlanOutcome cannotSlide(const LayerSpec& layer)
{
    return {"layer '" + layer.name + "' (" + layer.type + ") cannot slide along a chromosome"};
}

} // namespace kdna::layers
