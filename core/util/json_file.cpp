#include "core/util/json_file.h"

#include "core/util/atomic_output.h"
#include "core/util/error.h"

#include <cstdint>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace kdna {

nlohmann::json readJsonFile(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error::inFile(path.string(), 0, "no such file");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // Turn the byte offset into a line and column.
        std::int64_t line = 1, column = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        std::string what = e.what();
        if (const auto pos = what.find("syntax error"); pos != std::string::npos)
            what = what.substr(pos);
        throw Error::inFile(path.string(), line,
                            "is not valid JSON (column " + std::to_string(column) + ": " + what +
                                ")");
    }
}

void writeJsonFile(const std::filesystem::path& path, const nlohmann::json& j)
{
    AtomicOutput::writeFile(path, [&](std::ostream& out) { out << j.dump(2) << '\n'; });
}

} // namespace kdna
