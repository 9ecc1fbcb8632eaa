#include "storage/admin/database_admin.h"

namespace strata::storage {
namespace {

constexpr std::string_view kCreateDatabase = "CREATE DATABASE ";
constexpr std::string_view kFromTemplate = " TEMPLATE ";
constexpr std::string_view kEmptyUtf8Options =
    " ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'";
constexpr std::string_view kDropDatabaseIfExists = "DROP DATABASE IF EXISTS ";
constexpr std::string_view kWithForce = " WITH (FORCE)";

}  // namespace

void CreateDatabaseFromTemplate(Connection& admin, const std::string& name,
                                const std::string& template_name) {
  admin.Execute(std::string(kCreateDatabase) + name + std::string(kFromTemplate) + "\"" +
                template_name + "\"");
}

void CreateEmptyUtf8Database(Connection& admin, const std::string& name) {
  admin.Execute(std::string(kCreateDatabase) + name + std::string(kEmptyUtf8Options));
}

void DropDatabase(Connection& admin, const std::string& name) {
  admin.Execute(std::string(kDropDatabaseIfExists) + name + std::string(kWithForce));
}

}  // namespace strata::storage
