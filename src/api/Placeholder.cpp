// Placeholder so the api library exists before its first source lands; delete when adding one.
namespace infrasage { [[maybe_unused]] static int placeholder_api = 0; }
