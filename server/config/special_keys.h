// The homeserver.yaml keys whose reading is more than a kind and a field: a fallback to an
// older key, a value rewritten, a key that decides others, a whole block (listeners,
// database). Each is a step of the key table (config_keys.h), which runs it at its place in
// the read order; none of these keys can take a release default.
//
// Each step reads from r.root() into `c` and reports through `r`.
#pragma once

#include "config/config_reader.h"
#include "config/homeserver_config.h"

namespace strata::config {

// Reports a missing server_name (the key itself is plain and read just before).
void RequireServerName(Reader& r, HomeserverConfig& c);
// public_baseurl, with the trailing slash Synapse appends.
void ReadPublicBaseurl(Reader& r, HomeserverConfig& c);
// listeners, and the 0.x-era bind_port / unsecure_port / bind_host that Synapse still turns
// into listeners.
void ReadListeners(Reader& r, HomeserverConfig& c);
// database (refusing the 0.2-era plain path form), and the older database_path.
void ReadDatabase(Reader& r, HomeserverConfig& c);
// uploads_path, the older name, when media_store_path was not read.
void ReadUploadsPath(Reader& r, HomeserverConfig& c);
// restrict_public_rooms_to_local_users, once read, decides both keys that replaced it.
void ApplyRestrictPublicRooms(Reader& r, HomeserverConfig& c);
// The email block as a whole: the default template file names (even with no block), and
// whether a non-empty block is present.
void ReadEmailBlock(Reader& r, HomeserverConfig& c);
// email.riot_base_url, the older name, when email.client_base_url was not read.
void ReadRiotBaseUrl(Reader& r, HomeserverConfig& c);
// email.<x>_template_html/_text: overrides of the template file names.
void ReadEmailTemplateFiles(Reader& r, HomeserverConfig& c);
// account_threepid_delegates.email / .msisdn; an empty value is the same as none.
void ReadThreepidDelegates(Reader& r, HomeserverConfig& c);
// sso_redirect_confirm_template_dir, the older key, when sso.template_dir gave nothing.
void ReadLegacySsoTemplateDir(Reader& r, HomeserverConfig& c);
// rc_messages_per_second / rc_message_burst_count, the older keys, when there is no
// rc_message mapping.
void ReadLegacyRcMessage(Reader& r, HomeserverConfig& c);

}  // namespace strata::config
