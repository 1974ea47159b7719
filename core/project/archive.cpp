#include "core/project/archive.h"

#include "core/data/generator.h"
#include "core/model/model.h"
#include "core/model/model_tensors.h"
#include "core/model/safetensors.h"
#include "core/project/workflow.h" // modelArchiveOutput(): what a save may replace
#include "core/util/atomic_output.h"
#include "core/util/error.h"

#include <chrono>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <zlib.h>

#include <nlohmann/json.hpp>

namespace kdna {
namespace {

// Layout: magic, u64 meta size, meta JSON, u64 weights size, weights, u32 CRC-32 of all the
// bytes before it, end marker (u64 and u32 little-endian). The weights are safetensors
// (core/model/safetensors.h). Version 1 held them as a TorchScript archive, which runs code
// stored in the file when it is read: its description is still read, its weights never.
constexpr char kMagic[] = "KDNAMODEL2\n";
constexpr char kLegacyMagic[] = "KDNAMODEL1\n";
constexpr char kEnd[] = "KDNAEND\n";
constexpr std::size_t kMagicSize = sizeof kMagic - 1;
static_assert(sizeof kLegacyMagic == sizeof kMagic);
constexpr std::size_t kEndSize = sizeof kEnd - 1;

void putU64(std::string& out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}

std::uint64_t getU64(const std::string& in, std::size_t at)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]);
    return v;
}

std::uint32_t crcOf(const std::string& bytes, std::size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    std::size_t done = 0;
    while (done < n) {
        const auto chunk = static_cast<uInt>(std::min<std::size_t>(n - done, 1U << 30));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), chunk);
        done += chunk;
    }
    return static_cast<std::uint32_t>(crc);
}

std::string nowIso()
{
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

nlohmann::json command(const AnySpec& spec)
{
    const bool multi = std::holds_alternative<MultiSpec>(spec);
    nlohmann::json args = toJson(spec);
    args.erase("type");
    return {{"type", multi ? "MultiGenerator" : "Generator"}, {"arguments", args}};
}

AnySpec fromCommand(const nlohmann::json& c, const std::filesystem::path& base,
                    const std::filesystem::path& data)
{
    std::vector<Problem> problems;
    AnySpec spec = anySpecFromJson(specOfCommand(c), problems);
    throwIfProblems(problems, "the saved generator command");
    setFolders(spec, base, data);
    return spec;
}

} // namespace

nlohmann::json ModelArchive::generatorCommand(bool validation) const
{
    const auto& spec = validation ? validationSpec : trainSpec;
    return spec ? command(*spec) : nlohmann::json(nullptr);
}

nlohmann::json ModelArchive::metadata() const
{
    nlohmann::json stats = nlohmann::json::array();
    for (const auto& s : statistics)
        stats.push_back(s.toJson());
    return {{"kdna_version", kdnaVersion.empty() ? std::string(KDNA_VERSION) : kdnaVersion},
            {"created", created.empty() ? nowIso() : created},
            {"model", model.toJson()},
            {"compile", compile.toJson()},
            {"training", training.toJson()},
            {"history", history.toJson()},
            {"generator_train", generatorCommand(false)},
            {"generator_val", generatorCommand(true)},
            {"statistics", stats},
            {"base_dir", baseDir.string()},
            {"data_dir", dataDir.string()}};
}

void ModelArchive::save(const std::filesystem::path& path) const
{
    const std::string meta = metadata().dump();
    std::string bytes(kMagic, kMagicSize);
    putU64(bytes, meta.size());
    bytes += meta;
    putU64(bytes, weights.size());
    bytes += weights;
    const std::uint32_t crc = crcOf(bytes, bytes.size());
    for (int i = 0; i < 4; ++i)
        bytes.push_back(static_cast<char>((crc >> (8 * i)) & 0xFFU));
    bytes.append(kEnd, kEndSize);

    AtomicOutput::writeFile(
        path,
        [&](std::ostream& out) {
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        },
        /*binary=*/true, modelArchiveOutput());
}

bool looksLikeModelArchive(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    char head[kMagicSize] = {};
    in.read(head, kMagicSize);
    return in && (std::memcmp(head, kMagic, kMagicSize) == 0 ||
                  std::memcmp(head, kLegacyMagic, kMagicSize) == 0);
}

ModelArchive ModelArchive::load(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error::inFile(path.string(), 0, "no such file");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    const std::string bytes = buffer.str();
    auto damaged = [&](const std::string& why) {
        return Error::inFile(path.string(), 0,
                             "is not a complete kdna model archive (" + why +
                                 "); it was probably cut short while copying");
    };
    const bool legacy = bytes.compare(0, kMagicSize, kLegacyMagic) == 0;
    if (bytes.size() < kMagicSize || (!legacy && bytes.compare(0, kMagicSize, kMagic) != 0))
        throw Error::inFile(path.string(), 0,
                            "is not a kdna model archive (it does not start with the "
                            "kdna signature)");
    std::size_t at = kMagicSize;
    if (bytes.size() < at + 8)
        throw damaged("the header is cut");
    const std::uint64_t metaSize = getU64(bytes, at);
    at += 8;
    if (metaSize > bytes.size() - at)
        throw damaged("the description is cut");
    const std::string meta = bytes.substr(at, metaSize);
    at += metaSize;
    if (bytes.size() < at + 8)
        throw damaged("the weights are missing");
    const std::uint64_t weightsSize = getU64(bytes, at);
    at += 8;
    if (weightsSize > bytes.size() - at)
        throw damaged("the weights are cut");
    const std::size_t weightsAt = at;
    at += weightsSize;
    if (bytes.size() != at + 4 + kEndSize || bytes.compare(at + 4, kEndSize, kEnd) != 0)
        throw damaged("the end marker is missing");
    std::uint32_t crc = 0;
    for (int i = 3; i >= 0; --i)
        crc = (crc << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
    if (crc != crcOf(bytes, at))
        throw damaged("its checksum does not match");

    ModelArchive a;
    a.file = path;
    a.legacyWeights = legacy;
    a.weights = bytes.substr(weightsAt, weightsSize);
    try {
        const nlohmann::json j = nlohmann::json::parse(meta);
        std::vector<Problem> problems;
        a.model = ModelSpec::fromJson(j.at("model"), problems);
        a.compile = CompileSettings::fromJson(j.at("compile"), problems);
        a.training = TrainSettings::fromJson(j.at("training"), problems);
        throwIfProblems(problems, path.string());
        a.history = History::fromJson(j.at("history"));
        a.kdnaVersion = j.value("kdna_version", std::string());
        a.created = j.value("created", std::string());
        a.baseDir = j.value("base_dir", std::string());
        a.dataDir = j.value("data_dir", std::string());
        for (const auto& s : j.at("statistics"))
            a.statistics.push_back(DataStatistics::fromJson(s));
        if (!j.at("generator_train").is_null())
            a.trainSpec = fromCommand(j.at("generator_train"), a.baseDir, a.dataDir);
        if (!j.at("generator_val").is_null())
            a.validationSpec = fromCommand(j.at("generator_val"), a.baseDir, a.dataDir);
    } catch (const nlohmann::json::exception& e) {
        throw Error::inFile(path.string(), 0,
                            std::string("has a damaged description (") + e.what() + ")");
    }
    if (!legacy)
        a.checkWeights();
    return a;
}

void ModelArchive::checkWeights() const
{
    if (legacyWeights) {
        const std::string old = file.filename().string();
        throw Error::inFile(
            file.string(), 0,
            "holds its weights as TorchScript (written by kdna " + kdnaVersion +
                "), which can run code stored in the file, so kdna no longer reads them; if you "
                "trust the file, `python3 packaging/convert-legacy-model.py " +
                old +
                " NEW.kdna` (in kdna's sources; it runs the file in PyTorch) converts it, "
                "otherwise `kdna model " +
                old + " --project P.json` writes a project that `kdna train P.json` trains again");
    }
    checkWeights(weights, file);
}

void ModelArchive::checkWeights(const std::string& bytes, const std::filesystem::path& source) const
{
    try {
        (void)safetensors::read(bytes, modelTensors(model));
    } catch (const Error& e) {
        throw Error::inFile(source.string(), 0, std::string("cannot be loaded: ") + e.what());
    }
}

std::unique_ptr<Model> ModelArchive::buildModel() const
{
    checkWeights();
    auto m = std::make_unique<Model>(model);
    try {
        m->loadWeightsBlob(weights);
    } catch (const Error& e) {
        throw Error::inFile(file.string(), 0, e.what());
    }
    return m;
}

std::vector<DataStatistics> statisticsOf(const Generator& generator)
{
    if (const auto* multi = dynamic_cast<const MultiDataset*>(&generator.dataset())) {
        std::vector<DataStatistics> out;
        for (const auto& d : multi->datasets())
            out.push_back(d->statistics());
        return out;
    }
    return {generator.dataset().statistics()};
}

} // namespace kdna
