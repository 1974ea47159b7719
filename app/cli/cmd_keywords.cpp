#include "app/cli/commands.h"
#include "core/data/dataset_keywords.h"

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

namespace kdna::cli {

void addKeywordsCommand(CLI::App& app)
{
    auto markdown = std::make_shared<bool>(false);
    auto* cmd = app.add_subcommand(
        "keywords", "List the dataset keywords (keras_dna's): JSON type, default, allowed values, "
                    "the data they apply to and what they do");
    cmd->add_flag("--markdown", *markdown, "As the README's Markdown table");
    cmd->callback(
        [markdown] { std::cout << (*markdown ? keywordTableMarkdown() : keywordHelpText()); });
}

} // namespace kdna::cli
