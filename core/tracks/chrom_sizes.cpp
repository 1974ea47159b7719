#include "core/tracks/chrom_sizes.h"

#include "core/tracks/line_reader.h"
#include "core/util/atomic_output.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <cstdint>
#include <set>

namespace kdna {

std::vector<Chromosome> readChromSizes(const std::filesystem::path& path)
{
    std::vector<Chromosome> out;
    std::set<std::string> seen;
    LineReader reader(path);
    std::string line;
    while (reader.next(line)) {
        const auto trimmed = text::trim(line);
        if (trimmed.empty() || trimmed.front() == '#')
            continue;
        auto fields = text::split(trimmed, '\t');
        if (fields.size() < 2)
            fields = text::split(trimmed, ' ');
        std::int64_t length = 0;
        if (fields.size() < 2 || !text::parseInt(text::trim(fields[1]), length) || length <= 0)
            throw Error::inFile(path.string(), reader.lineNumber(),
                                "expected 'name<TAB>length' with a positive length");
        std::string name(text::trim(fields[0]));
        if (!seen.insert(name).second)
            throw Error::inFile(path.string(), reader.lineNumber(),
                                "chromosome '" + name + "' is listed twice");
        out.push_back({std::move(name), length});
    }
    if (out.empty())
        throw Error::inFile(path.string(), 0, "lists no chromosomes");
    return out;
}

void writeChromSizes(const std::filesystem::path& path, const std::vector<Chromosome>& chroms)
{
    AtomicOutput::writeFile(path, [&](std::ostream& out) {
        for (const auto& c : chroms)
            out << c.name << '\t' << c.length << '\n';
    });
}

} // namespace kdna
