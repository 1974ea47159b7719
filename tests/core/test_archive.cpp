// A model archive is data, never code: hostile and damaged archives are refused with one
// sentence, sizes the file claims are checked before anything is allocated, and the weights
// it exports load into PyTorch.

#include "core/model/model_tensors.h"
#include "core/model/safetensors.h"
#include "core/model/templates.h"
#include "core/model/torch_model.h"
#include "core/project/archive.h"
#include "core/project/workflow.h"
#include "core/util/error.h"
#include "support/fixtures.h"

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/resource.h>
#include <zlib.h>

#include <QTest>

#include <nlohmann/json.hpp>

using namespace kdna;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

bool pythonHasTorch()
{
    return test::run(std::string(kPython) + " -c 'import torch' 2>/dev/null") == 0;
}

/// The parts of an archive file, in the layout archive.cpp writes: magic line, u64 size +
/// description JSON, u64 size + weights, CRC-32 of everything before it, end marker.
struct ArchiveParts {
    std::string magic;
    std::string meta;
    std::string weights;
};

std::uint64_t u64At(const std::string& s, std::size_t at)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
    return v;
}

void putU64(std::string& out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xFFU));
}

ArchiveParts split(const std::string& file)
{
    ArchiveParts p;
    const std::size_t magicEnd = file.find('\n') + 1;
    p.magic = file.substr(0, magicEnd);
    const std::uint64_t metaSize = u64At(file, magicEnd);
    p.meta = file.substr(magicEnd + 8, metaSize);
    const std::size_t weightsAt = magicEnd + 8 + metaSize;
    p.weights = file.substr(weightsAt + 8, u64At(file, weightsAt));
    return p;
}

/// An archive with a valid checksum around whatever parts it is given.
std::string join(const ArchiveParts& p)
{
    std::string bytes = p.magic;
    putU64(bytes, p.meta.size());
    bytes += p.meta;
    putU64(bytes, p.weights.size());
    bytes += p.weights;
    const auto crc = static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0),
                                                      reinterpret_cast<const Bytef*>(bytes.data()),
                                                      static_cast<uInt>(bytes.size())));
    for (int i = 0; i < 4; ++i)
        bytes.push_back(static_cast<char>((crc >> (8 * i)) & 0xFFU));
    return bytes + "KDNAEND\n";
}

/// The safetensors header of a weights blob, and the bytes after it.
std::pair<json, std::string> header(const std::string& weights)
{
    const std::uint64_t n = u64At(weights, 0);
    return {json::parse(weights.substr(8, n)), weights.substr(8 + n)};
}

std::string withHeader(const std::string& headerText, const std::string& data)
{
    std::string out;
    putU64(out, headerText.size());
    return out + headerText + data;
}

ModelArchive smallArchive(std::int64_t window = 201)
{
    ModelArchive a;
    a.model = templates::tutorialCnn(window);
    a.weights = Model(a.model, 7).weightsBlob();
    return a;
}

std::int64_t peakMemoryMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

/// What loading `path` and building its model says; empty when it loads.
std::string refusal(const std::filesystem::path& path)
{
    return test::errorOf([&] { (void)ModelArchive::load(path).buildModel(); });
}

bool oneSentenceNaming(const std::string& message, const std::filesystem::path& file)
{
    qInfo("%s", message.c_str()); // the sentence a user reads, in the test log
    return !message.empty() && message.find('\n') == std::string::npos &&
           message.find(file.filename().string()) != std::string::npos;
}

/// A TorchScript module whose __setstate__ creates @MARKER@ when torch::jit loads it.
const char* kHostileScript = R"(import sys, torch
from typing import Tuple

class Hostile(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.zeros(1)

    @torch.jit.export
    def __getstate__(self):
        return (self.w, self.training)

    @torch.jit.export
    def __setstate__(self, state: Tuple[torch.Tensor, bool]):
        self.w = state[0] + torch.from_file('@MARKER@', shared=True, size=1).sum()
        self.training = state[1]

torch.jit.save(torch.jit.script(Hostile()), sys.argv[1])
)";

/// Loads `--export-state-dict` output into the tutorial's PyTorch module (bench/
/// reference_torch.py's Net) and prints its predictions for the saved input. safetensors'
/// own reader when Python has it; Debian 12 does not package it, so a numpy reader otherwise.
const char* kLoadScript = R"(import sys, json, struct
import numpy as np, torch, torch.nn as nn
path, x_path, window = sys.argv[1], sys.argv[2], int(sys.argv[3])

def load_numpy(path):
    with open(path, 'rb') as f:
        n = struct.unpack('<Q', f.read(8))[0]
        head = json.loads(f.read(n))
        data = f.read()
    kinds = {'F32': '<f4', 'I64': '<i8'}
    return {k: torch.from_numpy(np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]],
                                              dtype=kinds[v['dtype']]).reshape(v['shape']).copy())
            for k, v in head.items() if k != '__metadata__'}

try:
    from safetensors.torch import load_file
    d, reader = load_file(path), 'safetensors'
except ImportError:
    d, reader = load_numpy(path), 'numpy'

class Net(nn.Module):  # bench/reference_torch.py
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(
            nn.Conv1d(4, 16, 3), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(16, 32, 10), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(32, 64, 20), nn.ReLU(), nn.MaxPool1d(2), nn.Flatten())
        n = self.f(torch.zeros(1, 4, window)).shape[1]
        self.out = nn.Linear(n, 1)
    def forward(self, x):
        return self.out(self.f(x.transpose(1, 2)))

net = Net()
# Keras flattens (length, channels), nn.Flatten (channels, length): reorder the Dense columns.
dense = d['dense.weight']
length = dense.shape[1] // 64
dense = dense.reshape(-1, length, 64).transpose(1, 2).reshape(dense.shape[0], -1)
net.load_state_dict({'f.0.weight': d['conv1d.weight'], 'f.0.bias': d['conv1d.bias'],
                     'f.3.weight': d['conv1d_1.weight'], 'f.3.bias': d['conv1d_1.bias'],
                     'f.6.weight': d['conv1d_2.weight'], 'f.6.bias': d['conv1d_2.bias'],
                     'out.weight': dense, 'out.bias': d['dense.bias']})
x = torch.from_numpy(np.fromfile(x_path, dtype='<f4').reshape(-1, window, 4))
with torch.no_grad():
    print(reader, ' '.join('%.7g' % v for v in net.eval()(x).squeeze(1).tolist()))
)";

} // namespace

class TestArchive : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void weightsAreSafetensors()
    {
        test::ScratchDir dir;
        const ModelArchive a = smallArchive();
        a.save(dir.file("m.kdna"));
        const ArchiveParts parts = split(test::readText(dir.file("m.kdna")));
        const auto [head, data] = header(parts.weights);
        QVERIFY(head.contains("conv1d.weight"));
        QVERIFY2(head["conv1d.weight"]["dtype"] == json("F32"),
                 head["conv1d.weight"]["dtype"].dump().c_str());
        QVERIFY2(head["conv1d.weight"]["shape"] == json({16, 4, 3}),
                 head["conv1d.weight"]["shape"].dump().c_str());
        QVERIFY2(head["dense.bias"]["shape"] == json({1}),
                 head["dense.bias"]["shape"].dump().c_str());
        std::uint64_t total = 0;
        for (const auto& [name, t] : head.items())
            if (name != "__metadata__")
                total += t["data_offsets"][1].get<std::uint64_t>() -
                         t["data_offsets"][0].get<std::uint64_t>();
        QCOMPARE(total, data.size());
        QCOMPARE(static_cast<std::int64_t>(total), 4 * summarize(a.model).totalParams);
        // Same predictions after reloading.
        const auto original = Model(a.model, 7);
        const auto reloaded = ModelArchive::load(dir.file("m.kdna")).buildModel();
        original.impl().module->eval();
        reloaded->impl().module->eval();
        const auto x = torch::rand({2, 201, 4});
        QVERIFY(torch::equal(original.impl().module->forward({x})[0],
                             reloaded->impl().module->forward({x})[0]));
    }

    void saveReplacesOnlyAModel()
    {
        // The kind check is save's own, not only its callers': a user's file is never lost.
        test::ScratchDir dir;
        const ModelArchive a = smallArchive();
        test::writeText(dir.file("notes.txt"), "a user's notes\n");
        auto msg = test::errorOf([&] { a.save(dir.file("notes.txt")); });
        QVERIFY2(msg.find("notes.txt: already exists and is not a kdna model archive") !=
                     std::string::npos,
                 msg.c_str());
        QCOMPARE(test::readText(dir.file("notes.txt")), std::string("a user's notes\n"));
        fs::create_directory(dir.file("folder"));
        msg = test::errorOf([&] { a.save(dir.file("folder")); });
        QVERIFY2(msg.find("folder") != std::string::npos, msg.c_str());
        a.save(dir.file("m.kdna"));
        a.save(dir.file("m.kdna")); // a model replaces a model
        QVERIFY(looksLikeModelArchive(dir.file("m.kdna")));
        QCOMPARE(std::distance(fs::directory_iterator(dir.path()), {}), 3);
    }

    void saveThatFailsPartWayKeepsThePreviousModel()
    {
        test::ScratchDir dir;
        const ModelArchive a = smallArchive();
        a.save(dir.file("m.kdna"));
        const std::string before = test::readText(dir.file("m.kdna"));
        ModelArchive bigger = smallArchive(2001);
        std::string msg;
        {
            test::FileSizeLimit lowered(before.size() / 2);
            msg = test::errorOf([&] { bigger.save(dir.file("m.kdna")); });
        }
        QVERIFY2(msg.find("m.kdna: could not be written (File too large)") != std::string::npos,
                 msg.c_str());
        QVERIFY(msg.find('\n') == std::string::npos);
        QVERIFY(test::readText(dir.file("m.kdna")) == before);
        QCOMPARE(std::distance(fs::directory_iterator(dir.path()), {}), 1); // no .part left
    }

    void torchScriptArchiveRunsNoCode()
    {
        if (!pythonHasTorch())
            QSKIP("python3-torch is not installed (Debian: apt-get install python3-torch)");
        test::ScratchDir dir;
        const auto marker = dir.file("MARKER");
        std::string script = kHostileScript;
        script.replace(script.find("@MARKER@"), 8, marker.string());
        test::writeText(dir.file("hostile.py"), script);
        QCOMPARE(test::run(std::string(kPython) + " " + dir.file("hostile.py").string() + " " +
                           dir.file("hostile.pt").string()),
                 0);
        QVERIFY(!std::filesystem::exists(marker));

        smallArchive().save(dir.file("good.kdna"));
        ArchiveParts parts = split(test::readText(dir.file("good.kdna")));
        parts.weights = test::readText(dir.file("hostile.pt"));
        // In the layout kdna wrote before safetensors (TorchScript weights), and in today's.
        ArchiveParts legacy = parts;
        legacy.magic = "KDNAMODEL1\n";
        test::writeText(dir.file("legacy.kdna"), join(legacy));
        test::writeText(dir.file("current.kdna"), join(parts));
        for (const char* name : {"legacy.kdna", "current.kdna"}) {
            const std::string message = refusal(dir.file(name));
            QVERIFY2(oneSentenceNaming(message, dir.file(name)), message.c_str());
            QVERIFY2(!std::filesystem::exists(marker), name);
        }
        QVERIFY2(refusal(dir.file("legacy.kdna")).find("TorchScript") != std::string::npos,
                 refusal(dir.file("legacy.kdna")).c_str());
        // Training from it is refused before the data is opened (this project has none).
        const ModelArchive legacyArchive = ModelArchive::load(dir.file("legacy.kdna"));
        Project project;
        project.model = legacyArchive.model;
        project.output = dir.file("trained.kdna").string();
        TrainOptions options;
        options.startFrom = &legacyArchive;
        const std::string training = test::errorOf([&] { (void)trainProject(project, options); });
        QVERIFY2(training.find("TorchScript") != std::string::npos, training.c_str());
        QVERIFY(!std::filesystem::exists(marker));

        // Every command that reads a model refuses it the same way and writes nothing.
        const auto kdna = test::builtTool("app/cli/kdna");
        for (const std::string args : {" model legacy.kdna --export-state-dict w.safetensors",
                                       " model current.kdna --export-state-dict w.safetensors",
                                       " predict legacy.kdna -c chrI -o p.bw"}) {
            std::string out;
            const int rc = test::run(
                "cd " + dir.path().string() + " && " + kdna.string() + args + " 2>&1", &out);
            QVERIFY2(rc == 1, (args + ": " + out).c_str());
            QVERIFY2(out.rfind("error: ", 0) == 0 && out.find('\n') == out.size() - 1, out.c_str());
            QVERIFY2(!std::filesystem::exists(marker), args.c_str());
            QVERIFY(!std::filesystem::exists(dir.file("w.safetensors")));
        }
        // The description of a legacy archive is plain JSON and still reads: a user can get
        // its project back and train it again.
        QCOMPARE(test::run("cd " + dir.path().string() + " && " + kdna.string() +
                           " model legacy.kdna --project again.json >/dev/null 2>&1"),
                 0);
        QVERIFY(std::filesystem::exists(dir.file("again.json")));
        QVERIFY(!std::filesystem::exists(marker));
    }

    void trustedLegacyArchiveConverts()
    {
        // A first-format archive as kdna wrote it (torch::serialize's TorchScript weights),
        // converted by the script the refusal names, loads with the same predictions.
        if (!pythonHasTorch())
            QSKIP("python3-torch is not installed (Debian: apt-get install python3-torch)");
        test::ScratchDir dir;
        ModelArchive a = smallArchive();
        Model model(a.model, 3);
        torch::serialize::OutputArchive torchScript;
        model.impl().module->save(torchScript);
        std::ostringstream weights;
        torchScript.save_to(weights);
        a.save(dir.file("current.kdna"));
        ArchiveParts parts = split(test::readText(dir.file("current.kdna")));
        parts.magic = "KDNAMODEL1\n";
        parts.weights = weights.str();
        test::writeText(dir.file("old.kdna"), join(parts));
        QVERIFY(refusal(dir.file("old.kdna")).find("convert-legacy-model.py old.kdna") !=
                std::string::npos);

        std::string out;
        QVERIFY2(test::run(std::string(kPython) + " " + KDNA_SOURCE_DIR +
                               "/packaging/convert-legacy-model.py " +
                               dir.file("old.kdna").string() + " " + dir.file("new.kdna").string() +
                               " 2>&1",
                           &out) == 0,
                 out.c_str());
        const ModelArchive converted = ModelArchive::load(dir.file("new.kdna"));
        QVERIFY(converted.model == a.model);
        QCOMPARE(converted.metadata().dump(),
                 ModelArchive::load(dir.file("current.kdna")).metadata().dump());
        const auto reloaded = converted.buildModel();
        model.impl().module->eval();
        reloaded->impl().module->eval();
        const auto x = torch::rand({2, 201, 4});
        QVERIFY(torch::equal(model.impl().module->forward({x})[0],
                             reloaded->impl().module->forward({x})[0]));
    }

    void editedTensorHeadersAreRefused_data()
    {
        QTest::addColumn<QString>("edit");
        QTest::newRow("shape") << "shape";
        QTest::newRow("shape overflowing") << "overflow";
        QTest::newRow("negative dimension") << "negative";
        QTest::newRow("offsets past the end") << "past-end";
        QTest::newRow("offsets overlapping") << "overlap";
        QTest::newRow("offsets reversed") << "reversed";
        QTest::newRow("dtype") << "dtype";
        QTest::newRow("tensor missing") << "missing";
        QTest::newRow("tensor added") << "extra";
        QTest::newRow("header length huge") << "huge-length";
        QTest::newRow("header length past the end") << "long-length";
        QTest::newRow("header not JSON") << "not-json";
        QTest::newRow("header deeply nested") << "nested";
        QTest::newRow("data cut") << "cut-data";
        QTest::newRow("data extra") << "extra-data";
    }

    void editedTensorHeadersAreRefused()
    {
        QFETCH(QString, edit);
        test::ScratchDir dir;
        smallArchive().save(dir.file("good.kdna"));
        ArchiveParts parts = split(test::readText(dir.file("good.kdna")));
        auto [head, data] = header(parts.weights);
        const std::string e = edit.toStdString();
        std::string text;
        if (e == "shape")
            head["conv1d.weight"]["shape"] = {16, 4, 300};
        else if (e == "overflow")
            head["conv1d.weight"]["shape"] = {1LL << 40, 1LL << 40, 1LL << 40};
        else if (e == "negative")
            head["conv1d.weight"]["shape"] = {-16, 4, 3};
        else if (e == "past-end")
            head["dense.bias"]["data_offsets"] = {data.size() - 4, data.size() + 4000};
        else if (e == "overlap")
            head["conv1d.bias"]["data_offsets"] = head["dense.bias"]["data_offsets"];
        else if (e == "reversed")
            head["dense.bias"]["data_offsets"] = {head["dense.bias"]["data_offsets"][1],
                                                  head["dense.bias"]["data_offsets"][0]};
        else if (e == "dtype")
            head["conv1d.weight"]["dtype"] = "F64";
        else if (e == "missing")
            head.erase("dense.bias");
        else if (e == "extra")
            head["evil.weight"] = {{"dtype", "F32"}, {"shape", {0}}, {"data_offsets", {0, 0}}};
        if (e == "huge-length" || e == "long-length") {
            parts.weights.replace(0, 8, std::string(8, '\0'));
            const std::uint64_t n = e == "huge-length" ? ~0ULL : parts.weights.size();
            for (int i = 0; i < 8; ++i)
                parts.weights[static_cast<std::size_t>(i)] = static_cast<char>(n >> (8 * i));
        } else if (e == "not-json") {
            parts.weights = withHeader("{\"conv1d.weight\": [", data);
        } else if (e == "nested") {
            parts.weights = withHeader(std::string(200000, '[') + std::string(200000, ']'), data);
        } else if (e == "cut-data") {
            parts.weights = withHeader(head.dump(), data.substr(0, data.size() - 4));
        } else if (e == "extra-data") {
            parts.weights = withHeader(head.dump(), data + std::string(4096, '\0'));
        } else {
            parts.weights = withHeader(head.dump(), data);
        }
        test::writeText(dir.file("edited.kdna"), join(parts));
        const std::string message = refusal(dir.file("edited.kdna"));
        QVERIFY2(oneSentenceNaming(message, dir.file("edited.kdna")), message.c_str());
        if (e == "missing" || e == "extra")
            QVERIFY2(message.find(e == "missing" ? "'dense.bias'" : "'evil.weight'") !=
                         std::string::npos,
                     message.c_str());
    }

    void randomEditsNeverCrash()
    {
        // Bytes flipped anywhere in the weights, header or data: they load or are refused
        // with kdna::Error, never anything else (a crash ends the test run).
        const ModelSpec spec =
            ModelSpec::fromJson(json{{"layers",
                                      {{{"type", "Input"}, {"shape", {20, 4}}},
                                       {{"type", "Conv1D"}, {"filters", 2}, {"kernel_size", 3}},
                                       {{"type", "BatchNormalization"}},
                                       {{"type", "Flatten"}},
                                       {{"type", "Dense"}, {"units", 1}}}}});
        Model model(spec);
        const std::string good = model.weightsBlob();
        const std::uint64_t headerEnd = 8 + u64At(good, 0);
        std::mt19937 rng(15);
        int refused = 0;
        for (int i = 0; i < 3000; ++i) {
            std::string edited = good;
            const int flips = 1 + static_cast<int>(rng() % 4);
            for (int f = 0; f < flips; ++f) {
                // Mostly the header, where the claims are.
                const std::size_t at = rng() % 4 != 0 ? rng() % headerEnd : rng() % good.size();
                edited[at] =
                    static_cast<char>(rng() % 3 == 0 ? rng() : edited[at] ^ (1 << (rng() % 8)));
            }
            try {
                model.loadWeightsBlob(edited);
            } catch (const Error&) {
                ++refused;
            }
        }
        QVERIFY2(refused > 1000, std::to_string(refused).c_str());
    }

    void oversizedSpecIsRefusedBeforeAllocating_data()
    {
        QTest::addColumn<QString>("layer");
        QTest::addColumn<QString>("keyword");
        QTest::newRow("units 150000") << R"({"type": "Dense", "units": 150000})"
                                      << "units";
        QTest::newRow("filters 2^40")
            << R"({"type": "Conv1D", "filters": 1099511627776, "kernel_size": 3})"
            << "filters";
        QTest::newRow("kernel_size 2^62")
            << R"({"type": "Conv1D", "filters": 4, "kernel_size": 4611686018427387904,
                   "padding": "same"})"
            << "kernel_size";
        QTest::newRow("units beyond int64") << R"({"type": "Dense", "units": 18446744073709551615})"
                                            << "units";
    }

    void oversizedSpecIsRefusedBeforeAllocating()
    {
        QFETCH(QString, layer);
        QFETCH(QString, keyword);
        // Dense after a Flatten of (2001, 4): 8,004 x 150,000 weights; a convolution on the input.
        const json l = json::parse(layer.toStdString());
        json layers = json::array({{{"type", "Input"}, {"shape", {2001, 4}}}});
        if (l["type"] == "Dense")
            layers.push_back({{"type", "Flatten"}});
        layers.push_back(l);
        const ModelSpec spec = ModelSpec::fromJson(json{{"layers", layers}});
        const std::int64_t before = peakMemoryMb();
        const std::string direct = test::errorOf([&] { Model m(spec); });
        QVERIFY2(direct.find("'" + keyword.toStdString() + "'") != std::string::npos,
                 direct.c_str());

        // The same spec in an archive with small weights: refused on reading the description.
        test::ScratchDir dir;
        smallArchive(2001).save(dir.file("good.kdna"));
        ArchiveParts parts = split(test::readText(dir.file("good.kdna")));
        json meta = json::parse(parts.meta);
        meta["model"] = spec.toJson();
        parts.meta = meta.dump();
        test::writeText(dir.file("big.kdna"), join(parts));
        const std::string message =
            test::errorOf([&] { (void)ModelArchive::load(dir.file("big.kdna")); });
        QVERIFY2(oneSentenceNaming(message, dir.file("big.kdna")), message.c_str());
        QVERIFY2(message.find("'" + keyword.toStdString() + "'") != std::string::npos,
                 message.c_str());
        QVERIFY2(peakMemoryMb() - before < 200,
                 std::to_string(peakMemoryMb() - before).append(" MB").c_str());
    }

    void specLargerThanItsWeightsIsRefused()
    {
        // units 150000 on 4 inputs is within the limits, but the archive holds the weights of
        // units 1: refused before the model is built, naming the tensor and the keyword.
        test::ScratchDir dir;
        ModelArchive a;
        a.model = ModelSpec::fromJson(json{
            {"layers", {{{"type", "Input"}, {"shape", {4}}}, {{"type", "Dense"}, {"units", 1}}}}});
        a.weights = Model(a.model).weightsBlob();
        a.save(dir.file("small.kdna"));
        ArchiveParts parts = split(test::readText(dir.file("small.kdna")));
        json meta = json::parse(parts.meta);
        meta["model"]["layers"][1]["units"] = 150000;
        parts.meta = meta.dump();
        test::writeText(dir.file("claims.kdna"), join(parts));
        const std::int64_t before = peakMemoryMb();
        const std::string message =
            test::errorOf([&] { (void)ModelArchive::load(dir.file("claims.kdna")); });
        QVERIFY2(oneSentenceNaming(message, dir.file("claims.kdna")), message.c_str());
        QVERIFY2(message.find("dense.weight") != std::string::npos, message.c_str());
        QVERIFY2(message.find("'units'") != std::string::npos, message.c_str());
        QVERIFY(peakMemoryMb() - before < 50);
    }

    void modelTensorsMatchTheTorchModule()
    {
        json layers = json::array(
            {{{"type", "Input"}, {"shape", {60, 4}}, {"name", "dna"}},
             {{"type", "Conv1D"}, {"filters", 8}, {"kernel_size", 5}},
             {{"type", "BatchNormalization"}},
             {{"type", "GRU"}, {"units", 6}, {"bidirectional", true}, {"return_sequences", true}},
             {{"type", "Dense"}, {"units", 3}, {"use_bias", false}}});
        for (const ModelSpec& spec : {ModelSpec::fromJson(json{{"layers", layers}}),
                                      templates::tutorialCnn(301), templates::seq2seq(416)}) {
            Model m(spec);
            std::map<std::string, std::pair<Shape, safetensors::DType>> torchSide;
            for (const auto& p : m.impl().module->named_parameters())
                torchSide[p.key()] = {Shape(p.value().sizes().begin(), p.value().sizes().end()),
                                      safetensors::DType::F32};
            for (const auto& b : m.impl().module->named_buffers())
                torchSide[b.key()] = {Shape(b.value().sizes().begin(), b.value().sizes().end()),
                                      b.value().scalar_type() == torch::kLong
                                          ? safetensors::DType::I64
                                          : safetensors::DType::F32};
            std::map<std::string, std::pair<Shape, safetensors::DType>> specSide;
            for (const auto& t : modelTensors(spec))
                specSide[t.name] = {t.shape, t.dtype};
            QCOMPARE(specSide.size(), torchSide.size());
            for (const auto& [name, value] : torchSide) {
                QVERIFY2(specSide.count(name), name.c_str());
                QVERIFY2(specSide.at(name) == value, name.c_str());
            }
        }
    }

    void stateDictLoadsIntoPyTorch()
    {
        test::ScratchDir dir;
        constexpr std::int64_t window = 2001;
        ModelArchive a;
        a.model = templates::tutorialCnn(window);
        Model model(a.model, 11);
        a.weights = model.weightsBlob();
        a.save(dir.file("tutorial.kdna"));
        const std::string stateDict = dir.file("tutorial.safetensors").string();
        std::string out;
        QCOMPARE(test::run(test::builtTool("app/cli/kdna").string() + " model " +
                               dir.file("tutorial.kdna").string() + " --export-state-dict " +
                               stateDict + " 2>&1",
                           &out),
                 0);
        QVERIFY2(std::filesystem::exists(stateDict), out.c_str());
        // What the file holds is what the reader reads, in kdna too.
        Model again(a.model, 12);
        again.loadWeightsBlob(test::readText(stateDict));

        if (!pythonHasTorch())
            QSKIP("python3-torch is not installed (Debian: apt-get install python3-torch)");
        torch::manual_seed(5);
        const torch::Tensor x = torch::rand({3, window, 4});
        {
            std::ofstream f(dir.file("x.f32"), std::ios::binary);
            f.write(reinterpret_cast<const char*>(x.data_ptr<float>()),
                    static_cast<std::streamsize>(x.numel() * 4));
        }
        model.impl().module->eval();
        again.impl().module->eval();
        const torch::Tensor expected = model.impl().module->forward({x})[0].squeeze(1);
        QVERIFY(torch::equal(expected, again.impl().module->forward({x})[0].squeeze(1)));
        test::writeText(dir.file("load.py"), kLoadScript);
        QCOMPARE(test::run(std::string(kPython) + " " + dir.file("load.py").string() + " " +
                               stateDict + " " + dir.file("x.f32").string() + " " +
                               std::to_string(window) + " 2>&1",
                           &out),
                 0);
        std::istringstream in(out);
        std::string reader;
        in >> reader;
        QVERIFY2(reader == "safetensors" || reader == "numpy", out.c_str());
        qInfo("read by Python with the %s reader", reader.c_str());
        for (std::int64_t i = 0; i < 3; ++i) {
            double got = 0;
            QVERIFY2(in >> got, out.c_str());
            QVERIFY2(std::abs(got - expected[i].item<double>()) < 1e-5, out.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestArchive)
#include "test_archive.moc"
