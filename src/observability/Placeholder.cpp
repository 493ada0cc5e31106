// Placeholder so the observability library exists before its first source lands; delete when adding one.
namespace infrasage { [[maybe_unused]] static int placeholder_observability = 0; }
