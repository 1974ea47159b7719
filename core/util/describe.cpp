#include "core/util/describe.h"

#include "core/util/error.h"

#include <new>

#include <c10/util/Exception.h>

namespace kdna {
namespace {

std::string firstLine(const std::string& message)
{
    return message.substr(0, message.find('\n'));
}

} // namespace

std::string describe(const std::exception& e)
{
    if (const auto* error = dynamic_cast<const Error*>(&e))
        return error->what();
    if (const auto* torchError = dynamic_cast<const c10::Error*>(&e))
        return "the model could not run: " + firstLine(torchError->what_without_backtrace());
    if (dynamic_cast<const std::bad_alloc*>(&e))
        return "out of memory; try a smaller batch size or model";
    return firstLine(e.what());
}

} // namespace kdna
