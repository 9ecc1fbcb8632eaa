#include "config/command_line.h"

#include <functional>

namespace strata::config {
namespace {

struct Flag {
  std::string name;        // "--config-path"
  std::string short_name;  // "-c" or ""
  bool takes_value;
  std::function<Status(CommandLine&, const std::string&)> apply;
};

bool ValidReleaseNumber(const std::string& text) {
  // X.Y.Z (or X.Y): digits separated by single dots.
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  int dots = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.') {
      if (text[i - 1] == '.') return false;
      ++dots;
    } else if (text[i] < '0' || text[i] > '9') {
      return false;
    }
  }
  return dots >= 1 && dots <= 2;
}

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> flags = {
      {"--config-path", "-c", true,
       [](CommandLine& c, const std::string& v) {
         if (v.empty()) return Status::InvalidArgument("--config-path needs a file name");
         c.config_paths.push_back(v);
         return Status::Ok();
       }},
      {"--generate-config", "", false,
       [](CommandLine& c, const std::string&) {
         c.generate_config = true;
         return Status::Ok();
       }},
      {"--server-name", "-H", true,
       [](CommandLine& c, const std::string& v) {
         if (v.empty()) return Status::InvalidArgument("--server-name needs a name");
         c.server_name = v;
         return Status::Ok();
       }},
      {"--report-stats", "", true,
       [](CommandLine& c, const std::string& v) {
         if (v == "yes") {
           c.report_stats = true;
         } else if (v == "no") {
           c.report_stats = false;
         } else {
           return Status::InvalidArgument("argument --report-stats: invalid choice: '" + v +
                                          "' (choose from 'yes', 'no')");
         }
         return Status::Ok();
       }},
      {"--data-directory", "", true,
       [](CommandLine& c, const std::string& v) {
         if (v.empty()) return Status::InvalidArgument("--data-directory needs a directory");
         c.data_directory = v;
         return Status::Ok();
       }},
      {"--log-file", "", true,
       [](CommandLine& c, const std::string& v) {
         c.log_file = v;
         return Status::Ok();
       }},
      {"--help", "-h", false,
       [](CommandLine& c, const std::string&) {
         c.help = true;
         return Status::Ok();
       }},
      {"--version", "", false,
       [](CommandLine& c, const std::string&) {
         c.version = true;
         return Status::Ok();
       }},
      {"--as-release", "", true,
       [](CommandLine& c, const std::string& v) {
         if (!ValidReleaseNumber(v)) {
           return Status::InvalidArgument("argument --as-release: '" + v +
                                          "' is not a release number such as 1.18.0");
         }
         c.as_release = v;
         return Status::Ok();
       }},
      {"--upgrade-only", "", false,
       [](CommandLine& c, const std::string&) {
         c.upgrade_only = true;
         return Status::Ok();
       }},
      {"--run-background-updates", "", false,
       [](CommandLine& c, const std::string&) {
         c.run_background_updates = true;
         return Status::Ok();
       }},
      {"--list-releases", "", false,
       [](CommandLine& c, const std::string&) {
         c.list_releases = true;
         return Status::Ok();
       }},
  };
  return flags;
}

}  // namespace

Result<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine cl;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        name = arg.substr(0, eq);
        inline_value = arg.substr(eq + 1);
      }
    }
    const Flag* flag = nullptr;
    for (const auto& f : Flags()) {
      if (name == f.name || (!f.short_name.empty() && name == f.short_name)) {
        flag = &f;
        break;
      }
    }
    if (!flag) {
      if (arg.empty() || arg[0] != '-') {
        return Status::InvalidArgument("unexpected argument '" + arg +
                                       "' (config files are given with --config-path)");
      }
      return Status::InvalidArgument("unrecognized argument '" + arg + "'");
    }
    std::string value;
    if (flag->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Status::InvalidArgument("argument " + flag->name + ": expected a value");
      }
    } else if (inline_value) {
      return Status::InvalidArgument("argument " + flag->name + " takes no value");
    }
    Status st = flag->apply(cl, value);
    if (!st.ok()) return st;
  }
  if (cl.run_background_updates && !cl.upgrade_only) {
    return Status::InvalidArgument(
        "argument --run-background-updates: only meaningful with --upgrade-only (a running "
        "server always runs its background updates)");
  }
  return cl;
}

Result<CommandLine> ParseCommandLine(int argc, const char* const* argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  return ParseCommandLine(args);
}

std::string UsageHint(std::string_view program) {
  return "Try '" + std::string(program) + " --help' for more information.";
}

std::string HelpText(std::string_view program) {
  std::string p(program);
  return "Usage: " + p + " --config-path FILE [options]\n" + "       " + p +
         " --generate-config --server-name NAME --report-stats=yes|no --config-path FILE\n"
         "\n"
         "Strata: a Matrix homeserver that reads Synapse's homeserver.yaml and database.\n"
         "\n"
         "Synapse's options:\n"
         "  -c, --config-path FILE     Config file to read. Repeat it to read several; a later\n"
         "                             file's top-level keys replace an earlier one's. A "
         "directory\n"
         "                             stands for the *.yaml files in it, in name order.\n"
         "      --generate-config      Write a config file (the first --config-path), a log\n"
         "                             config and a signing key, then exit. An existing config\n"
         "                             file is left alone; only missing files are written.\n"
         "  -H, --server-name NAME     The server name for --generate-config (the part after ':'\n"
         "                             in user ids; it cannot be changed later).\n"
         "      --report-stats=yes|no  Required with --generate-config: the report_stats value to\n"
         "                             write. Strata itself never reports statistics.\n"
         "      --data-directory DIR   With --generate-config: where the database, media and pid\n"
         "                             file go (default: the current directory).\n"
         "      --log-file FILE        Refused, as by Synapse since 1.8: use log_config in the\n"
         "                             config file.\n"
         "  -h, --help                 Show this help and exit.\n"
         "\n"
         "Strata's options:\n"
         "      --version              Print Strata's version and the Synapse release it\n"
         "                             emulates by default, then exit.\n"
         "      --as-release X.Y.Z     Behave as that Synapse release (schema version, start-up\n"
         "                             checks, background updates, config defaults). Default:\n"
         "                             the newest catalogued release.\n"
         "      --upgrade-only         Upgrade the database schema to the release, then exit\n"
         "                             without serving HTTP.\n"
         "      --run-background-updates\n"
         "                             With --upgrade-only: also run every pending background\n"
         "                             update to completion before exiting.\n"
         "      --list-releases        List the catalogued Synapse releases and exit.\n"
         "\n"
         "Exit status: 0 on success, 1 when the config or database is refused, 2 for a bad\n"
         "command line.\n";
}

}  // namespace strata::config
