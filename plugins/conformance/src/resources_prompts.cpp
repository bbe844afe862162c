// resources_prompts.cpp - resources, the resource template and prompts of
// the suites (resources-*, prompts-*, completion-complete).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "fixtures.hpp"
#include "json.hpp"

namespace conformance {
namespace {

constexpr std::string_view kStaticText = "This is the content of the static text resource.";
constexpr std::string_view kWatchedText = "Watched resource content";

// Suggestions for test_prompt_with_arguments' arg1: the examples of the
// completion-complete description and the values prompts-get-with-args sends.
constexpr std::array<std::string_view, 5> kArg1Values = {"paris", "park", "party", "testValue1", "testValue2"};

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (prefix.size() > s.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

// {"id":"<id>","templateTest":true,"data":"Data for ID: <id>"}
std::string TemplateJson(std::string_view id) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  const std::string data = "Data for ID: " + std::string(id);
  w.StartObject();
  w.Key("id");
  w.String(id.data(), static_cast<rapidjson::SizeType>(id.size()));
  w.Key("templateTest");
  w.Bool(true);
  w.Key("data");
  w.String(data.data(), static_cast<rapidjson::SizeType>(data.size()));
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

void RegisterResources(mcpp::Registrar& reg) {
  mcpp::ResourceSpec text;
  text.uri = "test://static-text";
  text.name = "static-text";
  text.title = "Static Text Resource";
  text.description = "A static text resource for testing";
  text.mime_type = "text/plain";
  text.size = static_cast<int64_t>(kStaticText.size());
  reg.add_resource(text, [](mcpp::Call&, std::string_view, std::string_view, mcpp::Result& r) {
    r.add_text_contents("test://static-text", "text/plain", kStaticText);
  });

  mcpp::ResourceSpec binary;
  binary.uri = "test://static-binary";
  binary.name = "static-binary";
  binary.title = "Static Binary Resource";
  binary.description = "A static binary resource (image) for testing";
  binary.mime_type = "image/png";
  binary.size = static_cast<int64_t>(PngBytes().size());
  reg.add_resource(binary, [](mcpp::Call&, std::string_view, std::string_view, mcpp::Result& r) {
    r.add_blob_contents("test://static-binary", "image/png", PngBytes().data(), PngBytes().size());
  });

  // resources-subscribe / -unsubscribe subscribe to it (the host answers).
  mcpp::ResourceSpec watched;
  watched.uri = "test://watched-resource";
  watched.name = "watched-resource";
  watched.title = "Watched Resource";
  watched.description = "A resource for subscription tests (resources/subscribe, resources/unsubscribe)";
  watched.mime_type = "text/plain";
  watched.size = static_cast<int64_t>(kWatchedText.size());
  reg.add_resource(watched, [](mcpp::Call&, std::string_view, std::string_view, mcpp::Result& r) {
    r.add_text_contents("test://watched-resource", "text/plain", kWatchedText);
  });

  mcpp::ResourceTemplateSpec tmpl;
  tmpl.uri_template = "test://template/{id}/data";
  tmpl.name = "template";
  tmpl.title = "Resource Template";
  tmpl.description = "A resource template with parameter substitution";
  tmpl.mime_type = "application/json";
  reg.add_resource_template(tmpl, [](mcpp::Call&, std::string_view uri, std::string_view vars, mcpp::Result& r) {
    std::optional<std::string> id = StringMember(vars, "id");
    if (!id || id->empty()) throw mcpp::NotFound("no resource at " + std::string(uri));
    r.add_text_contents(nullptr, "application/json", TemplateJson(*id));
  });
}

void RegisterPrompts(mcpp::Registrar& reg) {
  mcpp::PromptSpec simple;
  simple.name = "test_simple_prompt";
  simple.title = "Simple Test Prompt";
  simple.description = "A simple prompt without arguments";
  reg.add_prompt(simple, [](mcpp::Call&, std::string_view, mcpp::Result& r) {
    r.set_role(MCPP_ROLE_USER);
    r.add_text("This is a simple prompt for testing.");
  });

  mcpp::PromptSpec with_args;
  with_args.name = "test_prompt_with_arguments";
  with_args.title = "Prompt With Arguments";
  with_args.description = "A prompt with required arguments";
  with_args.arguments_json =
      R"([{"name":"arg1","description":"First test argument","required":true},)"
      R"({"name":"arg2","description":"Second test argument","required":true}])";
  reg.add_prompt(
      with_args,
      [](mcpp::Call&, std::string_view args, mcpp::Result& r) {
        r.set_role(MCPP_ROLE_USER);
        r.add_text("Prompt with arguments: arg1='" + StringMember(args, "arg1").value_or("") + "', arg2='" +
                   StringMember(args, "arg2").value_or("") + "'");
      },
      // completion-complete: arg1 completes by prefix (case-insensitive).
      [](mcpp::Call&, std::string_view argument, std::string_view value, std::string_view, mcpp::Result& r) {
        if (argument != "arg1") {
          r.set_completion_info(0, false);
          return;
        }
        int64_t n = 0;
        for (std::string_view v : kArg1Values)
          if (StartsWithNoCase(v, value)) {
            r.add_completion(v);
            ++n;
          }
        r.set_completion_info(n, false);
      });

  mcpp::PromptSpec embedded;
  embedded.name = "test_prompt_with_embedded_resource";
  embedded.title = "Prompt With Embedded Resource";
  embedded.description = "A prompt that includes an embedded resource";
  embedded.arguments_json =
      R"([{"name":"resourceUri","description":"URI of the resource to embed","required":true}])";
  reg.add_prompt(embedded, [](mcpp::Call&, std::string_view args, mcpp::Result& r) {
    std::string uri = StringMember(args, "resourceUri").value_or("");
    if (uri.empty()) throw mcpp::InvalidArgument("resourceUri must be a non-empty URI");
    r.set_role(MCPP_ROLE_USER);
    r.add_embedded_text(uri, "text/plain", "Embedded resource content for testing.");
    r.add_text("Please process the embedded resource above.");
  });

  mcpp::PromptSpec image;
  image.name = "test_prompt_with_image";
  image.title = "Prompt With Image";
  image.description = "A prompt that includes image content";
  reg.add_prompt(image, [](mcpp::Call&, std::string_view, mcpp::Result& r) {
    r.set_role(MCPP_ROLE_USER);
    r.add_image("image/png", PngBytes().data(), PngBytes().size());
    r.add_text("Please analyze the image above.");
  });
}

}  // namespace conformance
