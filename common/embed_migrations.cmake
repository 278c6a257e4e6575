# Generates a C++ source holding every NNNN_name.sql file of one folder
# (common/sql for PostgreSQL, common/sql/sqlite for SQLite), so the binaries
# carry their schema. Run at build time with -DSQL_DIR, -DOUT and -DFUNCTION
# (the C++ function that returns the list, e.g. all_migrations).
file(GLOB sql_files "${SQL_DIR}/*.sql")
list(SORT sql_files)
set(body "")
foreach(f IN LISTS sql_files)
  get_filename_component(name "${f}" NAME_WE)
  string(REGEX MATCH "^[0-9]+" number "${name}")
  math(EXPR version "${number}")
  file(READ "${f}" sql)
  string(APPEND body "    {${version}, \"${name}\", R\"crudsql(${sql})crudsql\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from common/sql by embed_migrations.cmake; do not edit.\n#include \"crud/migrations.h\"\n\nnamespace crud {\n\nconst std::vector<Migration>& ${FUNCTION}() {\n  static const std::vector<Migration> list = {\n${body}  };\n  return list;\n}\n\n}  // namespace crud\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
