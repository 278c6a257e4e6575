// The one function a store module (crud_store_postgres.<stamp>.so,
// crud_store_sqlite.<stamp>.so; the stamp: common/CMakeLists.txt) exports:
// open_storage (storage.h) loads the module DATABASE_URL calls for with
// dlopen and calls it, so a process maps only its own store's libraries.
#pragma once

#include "crud/config.h"
#include "crud/log.h"
#include "crud/storage.h"

// The module's storage for `config`, owned by the caller; opens nothing yet.
extern "C" __attribute__((visibility("default"))) crud::Storage* crud_open_storage(
    const crud::Config& config, const crud::Logger& log);
