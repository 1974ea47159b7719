#include "core/tracks/file_kind.h"

#include "core/tracks/bigwig.h"
#include "core/tracks/line_reader.h"
#include "core/util/text.h"

#include <cstdint>
#include <fstream>

namespace kdna {
namespace {

std::string lowerExtensionless(const std::filesystem::path& path)
{
    std::string name = text::toLower(path.filename().string());
    if (text::endsWith(name, ".gz"))
        name.resize(name.size() - 3);
    return name;
}

bool hasExtension(const std::string& name, std::initializer_list<const char*> exts)
{
    for (const char* e : exts)
        if (text::endsWith(name, e))
            return true;
    return false;
}

/// The kind a file's first record says (fields, numbers), with the name as a tie-breaker.
FileKind kindOfRecord(const std::string& first, const std::string& name)
{
    const auto fields = text::split(first, '\t');
    std::int64_t a = 0, b = 0;
    if (fields.size() >= 8 && text::parseInt(fields[3], a) && text::parseInt(fields[4], b) &&
        (hasExtension(name, {".gff", ".gff3", ".gtf"}) || !text::parseInt(fields[1], a)))
        return FileKind::Gff;
    if (fields.size() >= 3 && text::parseInt(fields[1], a) && text::parseInt(fields[2], b))
        return fields.size() == 10 || hasExtension(name, {"narrowpeak"}) ? FileKind::NarrowPeak
                                                                         : FileKind::Bed;
    if (fields.size() == 2 && text::parseInt(fields[1], a))
        return FileKind::ChromSizes;
    return FileKind::Unknown;
}

} // namespace

std::optional<bool> isFeatureFileName(const std::filesystem::path& path)
{
    const std::string name = lowerExtensionless(path);
    if (hasExtension(name, {".bed", ".gff", ".gff3", ".gtf", ".narrowpeak", ".broadpeak"}))
        return true;
    if (hasExtension(name, {".bw", ".bigwig", ".wig", ".bedgraph"}))
        return false;
    return std::nullopt;
}

const char* kindName(FileKind kind)
{
    switch (kind) {
    case FileKind::Fasta:
        return "FASTA";
    case FileKind::BigWig:
        return "bigWig";
    case FileKind::BigBed:
        return "bigBed";
    case FileKind::Bed:
        return "BED";
    case FileKind::NarrowPeak:
        return "narrowPeak";
    case FileKind::Gff:
        return "GFF";
    case FileKind::ChromSizes:
        return "chrom.sizes";
    case FileKind::Unknown:
        break;
    }
    return "unknown";
}

FileKind detectFileKind(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return FileKind::Unknown;
    if (looksLikeBigWig(path))
        return FileKind::BigWig;
    {
        std::ifstream in(path, std::ios::binary);
        unsigned char magic[4] = {0, 0, 0, 0};
        in.read(reinterpret_cast<char*>(magic), 4);
        if ((magic[0] == 0xEB && magic[1] == 0xF2 && magic[2] == 0x89 && magic[3] == 0x87) ||
            (magic[3] == 0xEB && magic[2] == 0xF2 && magic[1] == 0x89 && magic[0] == 0x87))
            return FileKind::BigBed;
    }

    const std::string name = lowerExtensionless(path);
    // Look at the first record, through htslib so gzip-compressed text works too.
    std::string first;
    try {
        LineReader reader(path);
        std::string line;
        for (int i = 0; i < 200 && reader.next(line); ++i) {
            if (text::startsWith(line, "##gff-version") || text::startsWith(line, "#gtf"))
                return FileKind::Gff;
            if (!line.empty() && line.front() == '>')
                return FileKind::Fasta;
            if (line.empty() || line.front() == '#' || text::startsWith(line, "track") ||
                text::startsWith(line, "browser"))
                continue;
            first = line;
            break;
        }
    } catch (...) {
        return FileKind::Unknown;
    }
    const FileKind byContent = first.empty() ? FileKind::Unknown : kindOfRecord(first, name);
    if (byContent != FileKind::Unknown && byContent != FileKind::ChromSizes)
        return byContent;
    // A first record that fits no format (or only chrom.sizes' two columns) in a file named
    // as a feature file: its reader says what is wrong with which line.
    if (hasExtension(name, {".bed"}))
        return FileKind::Bed;
    if (hasExtension(name, {"narrowpeak"}))
        return FileKind::NarrowPeak;
    if (hasExtension(name, {".gff", ".gff3", ".gtf"}))
        return FileKind::Gff;
    if (byContent == FileKind::Unknown && hasExtension(name, {".sizes"}))
        return FileKind::ChromSizes;
    return byContent;
}

} // namespace kdna
