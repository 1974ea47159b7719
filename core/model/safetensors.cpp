#include "core/model/safetensors.h"

#include "core/util/error.h"
#include "core/util/text.h"

#include <algorithm>
#include <bit>
#include <map>

#include <nlohmann/json.hpp>

namespace kdna::safetensors {
namespace {

// The bytes are copied as they lie in memory; a big-endian host would need swapping.
static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

// A header is {name: {dtype, shape: [..], data_offsets: [..]}}: three levels. Anything deeper
// is not a header, and refusing it before parsing keeps the JSON parser's work bounded.
constexpr int kMaxHeaderDepth = 3;

using json = nlohmann::json;

void putU64(std::string& out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}

std::uint64_t u64At(std::string_view in, std::size_t at)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
    return v;
}

[[noreturn]] void refuse(const std::string& why)
{
    throw Error(why);
}

int nestingDepth(std::string_view text)
{
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (const char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
            if (deepest > kMaxHeaderDepth)
                return deepest;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return deepest;
}

bool dtypeOf(const std::string& s, DType& out)
{
    for (const DType d : {DType::F32, DType::I64})
        if (s == name(d)) {
            out = d;
            return true;
        }
    return false;
}

/// A whole number >= 0 that fits in 63 bits (JSON integers may be negative or unsigned 64-bit).
bool naturalOf(const json& v, std::uint64_t& out)
{
    if (v.is_number_unsigned())
        out = v.get<std::uint64_t>();
    else if (v.is_number_integer() && v.get<std::int64_t>() >= 0)
        out = static_cast<std::uint64_t>(v.get<std::int64_t>());
    else
        return false;
    return out <= static_cast<std::uint64_t>(INT64_MAX);
}

std::string shapeText(const Shape& s)
{
    return text::tuple(s);
}

/// One header entry, checked on its own and against the size of the data.
struct Entry {
    TensorInfo info;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

Entry entryOf(const std::string& tensor, const json& v, std::uint64_t dataBytes)
{
    const std::string what = "tensor '" + tensor + "'";
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
        !v.contains("data_offsets") || v.size() != 3)
        refuse(what + " is not described by exactly {dtype, shape, data_offsets}");
    Entry e;
    e.info.name = tensor;
    if (!v["dtype"].is_string() || !dtypeOf(v["dtype"].get<std::string>(), e.info.dtype))
        refuse(what + " has dtype " + v["dtype"].dump() + "; kdna stores F32 and I64 only");
    const json& shape = v["shape"];
    if (!shape.is_array())
        refuse(what + " has a shape that is not a list");
    // The product is bounded by the data size as it grows, so it never overflows.
    std::uint64_t values = 1;
    for (const auto& d : shape) {
        std::uint64_t n = 0;
        if (!naturalOf(d, n))
            refuse(what + " has shape " + shape.dump() + ", which is not a list of whole numbers " +
                   ">= 0");
        e.info.shape.push_back(static_cast<std::int64_t>(n));
        if (n != 0 && values > dataBytes / n)
            values = dataBytes + 1; // more than any tensor of this file can hold; stays bounded
        else
            values *= n;
    }
    const std::uint64_t bytes =
        values > dataBytes ? dataBytes + 1 : values * byteSize(e.info.dtype);
    const json& offsets = v["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !naturalOf(offsets[0], e.begin) ||
        !naturalOf(offsets[1], e.end))
        refuse(what + " has data_offsets " + offsets.dump() + ", which are not [begin, end]");
    if (e.begin > e.end || e.end > dataBytes)
        refuse(what + " has data_offsets " + offsets.dump() + " outside the " +
               text::withThousands(static_cast<std::int64_t>(dataBytes)) + " bytes of data");
    if (e.end - e.begin != bytes)
        refuse(what + " is " + name(e.info.dtype) + " " + shapeText(e.info.shape) + " but has " +
               text::withThousands(static_cast<std::int64_t>(e.end - e.begin)) +
               " bytes between its data_offsets");
    return e;
}

/// The entries must tile the data: each begins where the one before ends, none overlap and
/// no byte is left over (the safetensors rule, and what keeps a file from hiding anything).
void checkCoverage(std::vector<Entry> entries, std::uint64_t dataBytes)
{
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t at = 0;
    for (const Entry& e : entries) {
        if (e.begin != at)
            refuse("tensor '" + e.info.name + "' begins at byte " +
                   text::withThousands(static_cast<std::int64_t>(e.begin)) +
                   (e.begin < at ? ", inside the tensor before it" : ", after a gap") +
                   " (data_offsets must follow one another)");
        at = e.end;
    }
    if (at != dataBytes)
        refuse("the data has " + text::withThousands(static_cast<std::int64_t>(dataBytes - at)) +
               " bytes after the last tensor");
}

std::string layerOf(const std::string& tensor)
{
    return tensor.substr(0, tensor.rfind('.'));
}

} // namespace

const char* name(DType dtype)
{
    return dtype == DType::I64 ? "I64" : "F32";
}

std::size_t byteSize(DType dtype)
{
    return dtype == DType::I64 ? 8 : 4;
}

std::string write(const std::vector<TensorBytes>& tensors)
{
    json header = json::object();
    header["__metadata__"] = {{"format", "pt"}};
    std::uint64_t at = 0;
    for (const auto& t : tensors) {
        header[t.info.name] = {{"dtype", name(t.info.dtype)},
                               {"shape", t.info.shape},
                               {"data_offsets", {at, at + t.bytes.size()}}};
        at += t.bytes.size();
    }
    std::string text = header.dump();
    // Padded with spaces so the data starts 8-byte aligned, as Python's writer does.
    text.append((8 - text.size() % 8) % 8, ' ');
    std::string out;
    out.reserve(8 + text.size() + at);
    putU64(out, text.size());
    out += text;
    for (const auto& t : tensors)
        out.append(t.bytes.data(), t.bytes.size());
    return out;
}

std::vector<TensorBytes> read(std::string_view file, const std::vector<TensorInfo>& expected)
{
    if (file.size() < 8)
        refuse("the weights are " + std::to_string(file.size()) +
               " bytes, too short for a safetensors header");
    const std::uint64_t headerBytes = u64At(file, 0);
    if (headerBytes > kMaxHeaderBytes)
        refuse("the weights' header claims " + std::to_string(headerBytes) +
               " bytes, more than the 16 MiB kdna reads");
    if (headerBytes > file.size() - 8)
        refuse("the weights' header claims " +
               text::withThousands(static_cast<std::int64_t>(headerBytes)) + " bytes but only " +
               text::withThousands(static_cast<std::int64_t>(file.size() - 8)) + " follow");
    const std::string_view headerText = file.substr(8, headerBytes);
    if (nestingDepth(headerText) > kMaxHeaderDepth)
        refuse("the weights' header is not a safetensors header (its JSON nests deeper than " +
               std::to_string(kMaxHeaderDepth) + " levels)");
    const json header = json::parse(headerText, nullptr, /*allow_exceptions=*/false);
    if (header.is_discarded() || !header.is_object())
        refuse("the weights' header is not a JSON object of tensors");

    const std::string_view data = file.substr(8 + headerBytes);
    std::map<std::string, Entry> entries;
    for (const auto& [key, value] : header.items()) {
        if (key == "__metadata__") {
            if (!value.is_object())
                refuse("the weights' __metadata__ is not an object");
            continue;
        }
        entries.emplace(key, entryOf(key, value, data.size()));
    }
    std::vector<Entry> all;
    for (const auto& [key, e] : entries)
        all.push_back(e);

    std::vector<TensorBytes> out;
    for (const TensorInfo& want : expected) {
        const auto it = entries.find(want.name);
        if (it == entries.end())
            refuse("there is no tensor '" + want.name + "', which the model's layer '" +
                   layerOf(want.name) + "' needs");
        const Entry& e = it->second;
        if (e.info.dtype != want.dtype)
            refuse("tensor '" + want.name + "' is " + name(e.info.dtype) + " where the model has " +
                   name(want.dtype));
        if (e.info.shape != want.shape)
            refuse("tensor '" + want.name + "' has shape " + shapeText(e.info.shape) +
                   " but the model spec makes it " + shapeText(want.shape) +
                   (want.sizedBy.empty()
                        ? std::string()
                        : " (layer '" + layerOf(want.name) + "', '" + want.sizedBy + "')"));
        out.push_back({want, data.substr(e.begin, e.end - e.begin)});
        entries.erase(it);
    }
    if (!entries.empty())
        refuse("tensor '" + entries.begin()->first + "' is not part of the model spec");
    checkCoverage(std::move(all), data.size());
    return out;
}

} // namespace kdna::safetensors
