#include "core/tracks/features.h"

#include "core/tracks/line_reader.h"
#include "core/util/error.h"
#include "core/util/text.h"

#include <cmath>
#include <cstdint>
#include <unordered_map>

namespace kdna {
namespace {

/// Interns names into a FeatureSet's tables.
class Interner {
public:
    explicit Interner(std::vector<std::string>& table)
        : m_table(table)
    {}
    std::uint32_t operator()(std::string_view name)
    {
        const auto it = m_ids.find(std::string(name));
        if (it != m_ids.end())
            return it->second;
        const auto id = static_cast<std::uint32_t>(m_table.size());
        m_table.emplace_back(name);
        m_ids.emplace(m_table.back(), id);
        return id;
    }

private:
    std::vector<std::string>& m_table;
    std::unordered_map<std::string, std::uint32_t> m_ids;
};

std::vector<std::string_view> fieldsOf(std::string_view line)
{
    // BED is tab-separated, but space-separated files are common enough to accept.
    if (line.find('\t') != std::string_view::npos)
        return text::split(line, '\t');
    std::vector<std::string_view> out;
    for (auto f : text::split(line, ' '))
        if (!f.empty())
            out.push_back(f);
    return out;
}

struct LineContext {
    const LineReader& reader;
    [[noreturn]] void fail(const std::string& message) const
    {
        throw Error::inFile(reader.path().string(), reader.lineNumber(), message);
    }
};

std::int64_t coordinate(const LineContext& at, std::string_view field, const char* what)
{
    std::int64_t v = 0;
    if (!text::parseInt(field, v) || v < 0)
        at.fail(std::string("the ") + what + " '" + std::string(field) +
                "' is not a non-negative whole number");
    return v;
}

Strand strandOf(const LineContext& at, std::string_view field, bool allowUnknown)
{
    if (field == "+")
        return Strand::Forward;
    if (field == "-")
        return Strand::Reverse;
    if (field == "." || (allowUnknown && field == "?"))
        return Strand::None;
    at.fail("the strand '" + std::string(field) + "' should be '+', '-' or '.'");
}

bool isBedHeader(std::string_view line)
{
    return line.empty() || line.front() == '#' || text::startsWith(line, "track") ||
           text::startsWith(line, "browser");
}

struct Names {
    std::string name; ///< Name, else ID (gene_name, else gene_id in GTF)
    std::string id;   ///< ID (gene_id in GTF)
};

/// GFF3 attributes are key=value;..., GTF's are key "value"; ...
Names featureNames(std::string_view attributes)
{
    std::string name, id;
    for (auto part : text::split(attributes, ';')) {
        part = text::trim(part);
        std::string_view key, value;
        if (const auto eq = part.find('='); eq != std::string_view::npos) {
            key = part.substr(0, eq);
            value = part.substr(eq + 1);
        } else if (const auto sp = part.find(' '); sp != std::string_view::npos) {
            key = part.substr(0, sp);
            value = text::trim(part.substr(sp + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                value = value.substr(1, value.size() - 2);
        } else {
            continue;
        }
        if (key == "Name" || key == "gene_name")
            name = value;
        else if (key == "ID" || key == "gene_id")
            id = value;
    }
    return {name.empty() ? id : name, id};
}

} // namespace

const char* formatName(FeatureFormat f)
{
    switch (f) {
    case FeatureFormat::Bed3:
        return "BED3";
    case FeatureFormat::Bed4:
        return "BED4";
    case FeatureFormat::Bed6:
        return "BED6+";
    case FeatureFormat::NarrowPeak:
        return "narrowPeak";
    case FeatureFormat::Gff3:
        return "GFF3";
    }
    return "BED";
}

int FeatureSet::typeIndex(const std::string& type) const
{
    for (std::size_t i = 0; i < types.size(); ++i)
        if (types[i] == type)
            return static_cast<int>(i);
    return -1;
}

std::map<std::string, std::int64_t> FeatureSet::countByChromosome() const
{
    std::vector<std::int64_t> counts(chromosomes.size());
    for (const auto& f : features)
        ++counts[f.chrom];
    std::map<std::string, std::int64_t> out;
    for (std::size_t i = 0; i < counts.size(); ++i)
        out[chromosomes[i]] = counts[i];
    return out;
}

std::map<std::string, std::int64_t> FeatureSet::countByType() const
{
    std::vector<std::int64_t> counts(types.size());
    for (const auto& f : features)
        ++counts[f.type];
    std::map<std::string, std::int64_t> out;
    for (std::size_t i = 0; i < counts.size(); ++i)
        out[types[i]] = counts[i];
    return out;
}

FeatureSet readBed(const std::filesystem::path& path)
{
    FeatureSet set;
    set.path = path;
    set.types.emplace_back(FeatureSet::kBedType);
    Interner chroms(set.chromosomes);
    LineReader reader(path);
    const LineContext at{reader};
    std::string line;
    std::size_t columns = 0;
    const bool narrowPeakName = text::endsWith(text::toLower(path.string()), "narrowpeak") ||
                                text::endsWith(text::toLower(path.string()), "narrowpeak.gz");
    while (reader.next(line)) {
        if (isBedHeader(line))
            continue;
        const auto f = fieldsOf(line);
        if (f.size() < 3)
            at.fail("expected at least 3 tab-separated columns (chrom, start, end), found " +
                    std::to_string(f.size()));
        if (columns == 0)
            columns = f.size();
        Feature feat;
        feat.chrom = chroms(f[0]);
        feat.start = coordinate(at, f[1], "start");
        feat.end = coordinate(at, f[2], "end");
        if (feat.end < feat.start)
            at.fail("the end (" + std::string(f[2]) + ") is before the start (" +
                    std::string(f[1]) + ")");
        if (f.size() >= 4)
            feat.name = f[3];
        if (f.size() >= 5 && f[4] != ".") {
            double score = 0;
            if (!text::parseDouble(f[4], score))
                at.fail("the score '" + std::string(f[4]) + "' is not a number");
            feat.score = static_cast<float>(score);
        }
        if (f.size() >= 6)
            feat.strand = strandOf(at, f[5], false);
        if (narrowPeakName && f.size() < 10)
            at.fail("a narrowPeak line has 10 tab-separated columns, this one " +
                    std::to_string(f.size()));
        if (f.size() == 10 && f[9] != "-1") {
            std::int64_t summit = -1;
            if (!text::parseInt(f[9], summit) || summit < 0)
                at.fail("the peak (column 10, the summit's offset from the start) '" +
                        std::string(f[9]) + "' is not a whole number of at least 0, or -1");
            feat.summit = summit;
        }
        set.features.push_back(std::move(feat));
    }
    if (columns >= 10 && (columns == 10 || narrowPeakName))
        set.format = FeatureFormat::NarrowPeak;
    else if (columns >= 6)
        set.format = FeatureFormat::Bed6;
    else if (columns >= 4)
        set.format = FeatureFormat::Bed4;
    return set;
}

FeatureSet readGff(const std::filesystem::path& path)
{
    FeatureSet set;
    set.path = path;
    set.format = FeatureFormat::Gff3;
    Interner chroms(set.chromosomes);
    Interner types(set.types);
    LineReader reader(path);
    const LineContext at{reader};
    std::string line;
    while (reader.next(line)) {
        if (text::startsWith(line, "##FASTA"))
            break;
        if (line.empty() || line.front() == '#')
            continue;
        const auto f = text::split(line, '\t');
        if (f.size() < 8)
            at.fail("expected 9 tab-separated columns (seqid, source, type, start, end, score, "
                    "strand, phase, attributes), found " +
                    std::to_string(f.size()));
        Feature feat;
        feat.chrom = chroms(f[0]);
        feat.type = types(f[2]);
        const std::int64_t start = coordinate(at, f[3], "start");
        feat.end = coordinate(at, f[4], "end");
        if (start < 1)
            at.fail("GFF coordinates are 1-based: the start must be at least 1");
        if (feat.end < start)
            at.fail("the end (" + std::string(f[4]) + ") is before the start (" +
                    std::string(f[3]) + ")");
        feat.start = start - 1;
        if (f[5] != ".") {
            double score = 0;
            if (!text::parseDouble(f[5], score))
                at.fail("the score '" + std::string(f[5]) + "' is not a number");
            feat.score = static_cast<float>(score);
        }
        feat.strand = strandOf(at, f[6], true);
        if (f.size() >= 9) {
            Names names = featureNames(f[8]);
            feat.name = std::move(names.name);
            feat.id = std::move(names.id);
        }
        set.features.push_back(std::move(feat));
    }
    return set;
}

FeatureSet readFeatures(const std::filesystem::path& path)
{
    std::string lower = text::toLower(path.filename().string());
    if (text::endsWith(lower, ".gz"))
        lower.resize(lower.size() - 3);
    if (text::endsWith(lower, ".gff") || text::endsWith(lower, ".gff3") ||
        text::endsWith(lower, ".gtf"))
        return readGff(path);
    return readBed(path);
}

} // namespace kdna
