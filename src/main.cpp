#include "cli/Application.h"

int main(int argc, char** argv) {
    return infrasage::cli::runApplication(argc, argv);
}
