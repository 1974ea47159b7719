// The JSON parts of a project file — dataset (Generator or MultiGenerator), model, compile and
// training settings — read, validated and summarised as `kdna train` does before it trains.
// Text that is not JSON at all is rejected by the parser before kdna sees it.
#include "core/data/spec_file.h"
#include "fuzz_input.h"
#include "core/model/model_spec.h"
#include "core/model/summary.h"
#include "core/train/settings.h"

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace kdna;
    const auto j = nlohmann::json::parse(data, data + size, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return 0;
    fuzz::expectOnlyKdnaErrors([&] {
        std::vector<Problem> problems;
        if (const auto it = j.find("dataset"); it != j.end()) {
            const auto spec = anySpecFromJson(*it, problems);
            (void)validate(spec);
            (void)toJson(spec);
        }
        std::size_t outputs = 1;
        if (const auto it = j.find("model"); it != j.end()) {
            auto model = ModelSpec::fromJson(*it, problems);
            model.normalize();
            const auto summary = summarize(model);
            if (summary.ok())
                (void)summary.toText(model.name);
            outputs = std::max<std::size_t>(1, model.outputNames().size());
        }
        if (const auto it = j.find("compile"); it != j.end())
            (void)validate(CompileSettings::fromJson(*it, problems), outputs);
        if (const auto it = j.find("training"); it != j.end())
            (void)validate(TrainSettings::fromJson(*it, problems));
    });
    return 0;
}
