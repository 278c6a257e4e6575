// JSON in and out over RapidJSON. JsonBody parses a request body and hands
// out typed fields, answering the SPEC's 400s (malformed, not an object,
// missing, wrong type, unknown or duplicate field). JsonWriter builds output.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace crud {

class JsonBody {
 public:
  // Parses body as one UTF-8 JSON object whose keys are all in `allowed`.
  JsonBody(const std::string& body, std::initializer_list<std::string_view> allowed);

  // A required string field; 400 missing_field / invalid_type otherwise.
  std::string string(const char* name) const;
  // An optional string field; nullopt when absent.
  std::optional<std::string> optional_string(const char* name) const;
  // An optional boolean field; fallback when absent.
  bool optional_bool(const char* name, bool fallback) const;

 private:
  const rapidjson::Value* find(const char* name) const;
  rapidjson::Document doc_;
};

class JsonWriter {
 public:
  JsonWriter() : writer_(buffer_) {}
  JsonWriter& begin_object() {
    writer_.StartObject();
    return *this;
  }
  JsonWriter& end_object() {
    writer_.EndObject();
    return *this;
  }
  JsonWriter& begin_array() {
    writer_.StartArray();
    return *this;
  }
  JsonWriter& end_array() {
    writer_.EndArray();
    return *this;
  }
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(std::int64_t v) {
    writer_.Int64(v);
    return *this;
  }
  JsonWriter& value(bool v) {
    writer_.Bool(v);
    return *this;
  }
  JsonWriter& null() {
    writer_.Null();
    return *this;
  }
  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }
  JsonWriter& field(std::string_view k, const char* v) {
    key(k);
    return value(std::string_view(v));
  }
  std::string str() const { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace crud
