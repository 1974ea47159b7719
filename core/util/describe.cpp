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

/// kdna's message, with the file and line it carries when the words no longer name them (a
/// message reworded on its way up, say): the sentence always says where to look.
std::string withPlace(const Error& e)
{
    std::string message = e.what();
    if (e.file().empty() || message.find(e.file()) != std::string::npos)
        return message;
    message += " (in " + e.file();
    if (e.line() > 0)
        message += ", line " + std::to_string(e.line());
    return message + ")";
}

} // namespace

std::string describe(const std::exception& e)
{
    if (const auto* error = dynamic_cast<const Error*>(&e))
        return withPlace(*error);
    if (const auto* torchError = dynamic_cast<const c10::Error*>(&e))
        return "the model could not run: " + firstLine(torchError->what_without_backtrace());
    if (dynamic_cast<const std::bad_alloc*>(&e))
        return "out of memory; try a smaller batch size or model";
    return firstLine(e.what());
}

} // namespace kdna
