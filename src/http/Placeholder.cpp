// Placeholder so the http library exists before its first source lands; delete when adding one.
namespace infrasage { [[maybe_unused]] static int placeholder_http = 0; }
