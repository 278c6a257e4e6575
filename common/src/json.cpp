// Strict request-body parsing and the output writer declared in json.h.
#include "crud/json.h"

#include <rapidjson/error/en.h>

#include <set>

#include "crud/errors.h"

namespace crud {

// Iterative parsing keeps deep nesting off the stack; encoding validation
// turns invalid UTF-8 into a parse error.
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

JsonBody::JsonBody(const std::string& body, std::initializer_list<std::string_view> allowed) {
  doc_.Parse<kParseFlags>(body.data(), body.size());
  if (doc_.HasParseError()) throw ApiError(ErrorCode::invalid_json);
  if (!doc_.IsObject()) throw ApiError(ErrorCode::body_not_object);
  std::set<std::string_view> seen;
  for (const auto& member : doc_.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (!seen.insert(name).second)
      throw ApiError(ErrorCode::duplicate_field, std::string(name), "duplicate");
    bool known = false;
    for (auto a : allowed) known = known || a == name;
    if (!known) throw ApiError(ErrorCode::unknown_field, std::string(name), "unknown");
  }
}

const rapidjson::Value* JsonBody::find(const char* name) const {
  auto it = doc_.FindMember(name);
  return it == doc_.MemberEnd() ? nullptr : &it->value;
}

std::optional<std::string> JsonBody::optional_string(const char* name) const {
  const auto* v = find(name);
  if (!v) return std::nullopt;
  if (!v->IsString()) throw ApiError(ErrorCode::invalid_type, name, "must_be_string");
  return std::string(v->GetString(), v->GetStringLength());
}

std::string JsonBody::string(const char* name) const {
  auto v = optional_string(name);
  if (!v) throw ApiError(ErrorCode::missing_field, name, "missing");
  return *v;
}

bool JsonBody::optional_bool(const char* name, bool fallback) const {
  const auto* v = find(name);
  if (!v) return fallback;
  if (!v->IsBool()) throw ApiError(ErrorCode::invalid_type, name, "must_be_boolean");
  return v->GetBool();
}

JsonWriter& JsonWriter::key(std::string_view k) {
  writer_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view v) {
  writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  return *this;
}

}  // namespace crud
