#pragma once

// The safetensors layout (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length, a JSON header of name -> {dtype, shape, data_offsets}, then the raw
// little-endian bytes of every tensor. Nothing in it is executable, so a model file is data,
// never code. Torch-free: it reads and writes bytes; core/model/model.cpp copies them into
// the module.

#include "core/util/shape.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kdna::safetensors {

enum class DType { F32, I64 };

[[nodiscard]] const char* name(DType dtype);
[[nodiscard]] std::size_t byteSize(DType dtype);

/// A tensor's name, element type and shape.
struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    Shape shape;
    std::string sizedBy; ///< the model keyword that sets the shape, for messages ("units")

    friend bool operator==(const TensorInfo&, const TensorInfo&) = default;
};

/// A tensor and its bytes (a view: the caller keeps them alive).
struct TensorBytes {
    TensorInfo info;
    std::string_view bytes;
};

/// The file: tensors in the order given (their names must be unique).
[[nodiscard]] std::string write(const std::vector<TensorBytes>& tensors);

/// The largest header kdna reads (a model of a few hundred tensors needs a few kB).
inline constexpr std::uint64_t kMaxHeaderBytes = 16U << 20U;

/// The tensors of `file`, as views into it, in the order of `expected`. Before returning
/// anything it checks the header length against the file, the header's JSON (depth,
/// types), every dtype, shape and byte range against the header and the file (ranges in
/// bounds, exactly the tensor's size, covering the data without gaps or overlaps), and every
/// tensor against `expected` (same names, dtypes and shapes, none missing, none extra).
/// Throws kdna::Error with one sentence saying what is wrong.
[[nodiscard]] std::vector<TensorBytes> read(std::string_view file,
                                            const std::vector<TensorInfo>& expected);

} // namespace kdna::safetensors
