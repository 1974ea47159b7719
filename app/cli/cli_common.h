#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace CLI {
class App;
}

/// Options several `kdna` commands share.
namespace kdna::cli {

/// --data DIR: the folder `${data}` in project and spec paths stands for (default $KDNA_DATA).
struct DataOption {
    std::string dir;
    [[nodiscard]] std::filesystem::path folder() const;
};
void addDataOption(CLI::App& cmd, DataOption& option);

/// A progress line redrawn in place on a terminal ("\r"), one line per update otherwise.
class ProgressLine {
public:
    ProgressLine();
    void update(const std::string& text);
    void finish(const std::string& text);

private:
    bool m_terminal;
    std::size_t m_lastLength = 0;
};

} // namespace kdna::cli
