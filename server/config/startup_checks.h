// The start-up checks Synapse performs on its configuration, each under a name the release
// catalogue uses (Release::startup_checks) to say which checks a release performs.
//
//   report_stats                          report_stats must be set (0.11+)
//   log_file_fatal                        log_file / --log-file refused (1.8+)
//   trust_identity_server_requires_servers  trust_identity_server_for_password_resets with no
//                                         delegate and no trusted_third_party_id_servers (1.4+)
//   email_partial_block                   the server would send mail itself but `email` lacks
//                                         smtp_host, smtp_port, notif_from or public_baseurl (1.4+)
//   email_templates                       a custom email.template_dir lacks a template (1.0+)
//   sso_templates                         a custom SSO template dir lacks a template (1.13+)
//   public_rooms_keys_conflict            restrict_public_rooms_to_local_users with either 1.7 key
//   legacy_keys                           0.2-era keys (host, port, ...) with the name to use
//   appservice_registrations              application service files per Synapse 1.18's rules
//   unknown_keys                          top-level keys no Synapse 1.x release reads (warnings)
//
// Each problem carries Synapse's exact message where one is known, followed by what to do.
//
// Promises: the checks only read the config and the files it names (templates, application
// service registrations); no network, no database. The Qt console lints configs with this.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/homeserver_config.h"
#include "config/problem.h"
#include "util/status.h"

namespace strata::config {

// Synapse's exact messages, for callers and tests that match them.
inline constexpr std::string_view kLogFileError =
    "Support for the log_file configuration option and --log-file command-line option was\n"
    "removed in Synapse 1.3.0. You should instead set up a separate log configuration file.";
inline constexpr std::string_view kMissingReportStats =
    "Please opt in or out of reporting anonymized homeserver usage statistics, by\n"
    "setting the `report_stats` key in your config file to either True or False.";
inline constexpr std::string_view kEmptyTrustedServers =
    "Attempted to use an identity server from\"trusted_third_party_id_servers\" but it is "
    "empty.";
inline constexpr std::string_view kPartialEmailBlock =
    "Password resets emails are configured to be sent from this homeserver due to a partial "
    "'email' block. However, the following required keys are missing: ";
inline constexpr std::string_view kPublicRoomsConflict =
    "Can't use 'restrict_public_rooms_to_local_users' if 'allow_public_rooms_without_auth' "
    "and/or 'allow_public_rooms_over_federation' is set.";

struct CheckOptions {
  // The checks to run, by name; nullopt runs all of them. Unknown names are ignored (the
  // catalogue's own tests compare its names with AllStartupChecks()).
  std::optional<std::vector<std::string>> only;
  // --log-file was given on the command line.
  bool log_file_flag = false;
};

// Every check name, in the order the checks run.
const std::vector<std::string>& AllStartupChecks();

std::vector<Problem> RunStartupChecks(const HomeserverConfig& config,
                                      const CheckOptions& options = {});

// The whole start-up config check, as the server makes it and the console's Config lint
// repeats it: the loader's problems, then `release_defaults` layered into `loaded.config`
// (ApplyReleaseDefaults), then the checks `options` names (the server passes
// Catalogue::StartupChecks(release)). A default that cannot be applied is the error Status.
Result<std::vector<Problem>> CheckLoadedConfig(
    LoadedConfig& loaded, const std::map<std::string, std::string>& release_defaults,
    const CheckOptions& options);

// The top-level keys Synapse 1.x reads (for unknown_keys).
bool IsKnownTopLevelKey(const std::string& key);

}  // namespace strata::config
