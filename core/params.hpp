#pragma once
// A parameter struct's config keys, declared once next to the struct: key → field, type (integer,
// real, boolean, text, path, a choice mapped to an enum value, a list of words or integers),
// default, range, unit and one line of help. From that one table come
//   * the schema entries (KeySpec) of its section: the INI parser's type and range checks, `--help`,
//     to_ini() (the app assembles every library's table into the Schema, app/config_schema.cpp);
//   * read(config): the struct filled from a Config, its finishing step (values derived from
//     several keys) and its validate(), every error naming its key
//     ("demo.ini:12: [md] frames = 0: why").
// Libraries declare their tables and take structs; only the app reads a Config.
#include <cstdlib>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"

namespace nanomix {

/// Bad input that names its config key (thrown by tables and by validate()). Its message is
/// "[section] key: why"; read through a Config it becomes "origin: [section] key = value: why".
class ParamError : public InputError {
 public:
  ParamError(std::string section_, std::string key_, std::string why_)
      : InputError("[" + section_ + "] " + key_ + ": " + why_),
        section(std::move(section_)),
        key(std::move(key_)),
        why(std::move(why_)) {}
  std::string section, key, why;
};

/// The words of a list value, separated by spaces, tabs or commas ("0 1", "0,1", "ions, anions").
std::vector<std::string> split_list(const std::string& text);

/// Rules of a list key (words or integers).
struct ListRule {
  std::vector<std::string> allowed;  ///< empty = any word
  std::string empty_why;             ///< error when the list is empty ("" = an empty list is fine)
  /// Error for an item outside `allowed` (default: "unknown item 'w' (allowed: …)").
  std::function<std::string(const std::string& item)> bad_item_why;
  bool unique = false;  ///< repeated items are kept once
};

template <class P>
class ParamTable {
 private:
  template <class F>
  static auto access(F field) {
    if constexpr (std::is_member_object_pointer_v<F>) {
      return [field](P& p) -> auto& { return p.*field; };
    } else {
      return field;
    }
  }
  template <class F>
  using field_type = std::remove_reference_t<decltype(access(std::declval<F>())(std::declval<P&>()))>;

 public:
  /// Values derived from several keys, after every key is set (`is_set(key)`: the key was given in
  /// the file or on the command line, not left at its default). Throws ParamError.
  using Finish = std::function<void(P&, const std::function<bool(std::string_view key)>& is_set)>;
  using Setter = std::function<void(P&, const std::string& text)>;
  using Getter = std::function<std::string(const P&)>;

  struct Binding {
    KeySpec spec;
    Setter set;  ///< text already checked against spec (type, range, choices)
    Getter get;  ///< the field as INI text (empty for bindings that derive several fields)
  };

  explicit ParamTable(std::string section) : section_(std::move(section)) {}

  /// `field`: a pointer to member (&P::x) or an accessor ([](P& p) -> T& { return p.a.x; }).
  template <class F>
  ParamTable& integer(std::string key, F field, long long def, double min, double max, std::string unit,
                      std::string help) {
    auto ref = access(field);
    using T = field_type<F>;
    // A range the field cannot hold would wrap silently (raw_frames = 3e9 in an int once read as
    // negative): refused when the table is declared, so every such slip fails the first test.
    if (min < static_cast<double>(std::numeric_limits<T>::lowest()) || max > static_cast<double>(std::numeric_limits<T>::max()))
      throw std::logic_error("[" + section_ + "] " + key + ": range " + std::to_string(min) + " … " + std::to_string(max) +
                             " does not fit the field's integer type");
    return add(int_key(section_, std::move(key), def, min, max, std::move(unit), std::move(help)),
               [ref](P& p, const std::string& t) {
                 ref(p) = static_cast<T>(std::stoll(t[0] == '+' ? t.substr(1) : t));
               },
               [ref](const P& p) { return std::to_string(static_cast<long long>(ref(const_cast<P&>(p)))); });
  }
  template <class F>
  ParamTable& real(std::string key, F field, double def, double min, double max, std::string unit,
                   std::string help) {
    auto ref = access(field);
    return add(real_key(section_, std::move(key), def, min, max, std::move(unit), std::move(help)),
               // strtod, as the config checked the text: std::stod throws out_of_range on a value that
               // underflows (5e-324, 1e-310: valid for a key whose minimum is 0), which ended in exit 1.
               [ref](P& p, const std::string& t) { ref(p) = std::strtod(t.c_str(), nullptr); },
               [ref](const P& p) { return format_config_number(ref(const_cast<P&>(p))); });
  }
  template <class F>
  ParamTable& boolean(std::string key, F field, bool def, std::string help) {
    auto ref = access(field);
    return add(bool_key(section_, std::move(key), def, std::move(help)),
               [ref](P& p, const std::string& t) { ref(p) = config_boolean(t); },
               [ref](const P& p) { return std::string(ref(const_cast<P&>(p)) ? "true" : "false"); });
  }
  template <class F>
  ParamTable& text(std::string key, F field, std::string def, std::string help) {
    auto ref = access(field);
    return add(string_key(section_, std::move(key), std::move(def), std::move(help)),
               [ref](P& p, const std::string& t) { ref(p) = t; },
               [ref](const P& p) { return ref(const_cast<P&>(p)); });
  }
  template <class F>
  ParamTable& path(std::string key, F field, std::string def, std::string help) {
    auto ref = access(field);
    return add(path_key(section_, std::move(key), std::move(def), std::move(help)),
               [ref](P& p, const std::string& t) { ref(p) = t; },
               [ref](const P& p) { return ref(const_cast<P&>(p)); });
  }
  /// A choice among names, each mapped to a value of the field (an enum, a bool, a char, …).
  template <class F, class T = field_type<F>>
  ParamTable& choice(std::string key, F field, std::string def, std::vector<std::pair<std::string, T>> names,
                     std::string help) {
    auto ref = access(field);
    std::vector<std::string> choices;
    for (const auto& n : names) choices.push_back(n.first);
    return add(choice_key(section_, std::move(key), std::move(def), std::move(choices), std::move(help)),
               [ref, names](P& p, const std::string& t) {
                 for (const auto& n : names)
                   if (n.first == t) ref(p) = n.second;
               },
               [ref, names](const P& p) {
                 for (const auto& n : names)
                   if (n.second == ref(const_cast<P&>(p))) return n.first;
                 return std::string("?");
               });
  }
  /// A list of words (std::vector<std::string>), written "a b" or "a, b" (schema type: text).
  template <class F>
  ParamTable& words(std::string key, F field, std::string def, ListRule rule, std::string help) {
    auto ref = access(field);
    const std::string section = section_;
    const std::string name = key;
    return add(string_key(section_, std::move(key), std::move(def), std::move(help)),
               [ref, rule, section, name](P& p, const std::string& t) { ref(p) = parse_list(section, name, t, rule); },
               [ref](const P& p) { return join(ref(const_cast<P&>(p))); });
  }
  /// A list of integers (std::vector<int>), written "0 1" or "0,1"; `rule.allowed` lists the
  /// allowed values as words (schema type: text).
  template <class F>
  ParamTable& integers(std::string key, F field, std::string def, ListRule rule, std::string help) {
    auto ref = access(field);
    const std::string section = section_;
    const std::string name = key;
    return add(string_key(section_, std::move(key), std::move(def), std::move(help)),
               [ref, rule, section, name](P& p, const std::string& t) {
                 auto& out = ref(p);
                 out.clear();
                 for (const auto& w : parse_list(section, name, t, rule)) {
                   std::size_t used = 0;
                   int v = 0;
                   try {
                     v = std::stoi(w, &used);
                   } catch (const std::exception&) {
                     used = 0;
                   }
                   if (used != w.size()) throw ParamError(section, name, "'" + w + "' is not an integer");
                   out.push_back(v);
                 }
               },
               [ref](const P& p) {
                 std::vector<std::string> w;
                 for (int v : ref(const_cast<P&>(p))) w.push_back(std::to_string(v));
                 return join(w);
               });
  }
  /// A key whose value fills the struct in its own way (`spec` from int_key, choice_key, …; its
  /// section is this table's). `get` may be empty.
  ParamTable& custom(KeySpec spec, Setter set, Getter get = {}) {
    spec.section = section_;
    return add(std::move(spec), std::move(set), std::move(get));
  }
  ParamTable& finish(Finish f) {
    finish_ = std::move(f);
    return *this;
  }

  const std::string& section() const { return section_; }
  const std::vector<Binding>& bindings() const { return bindings_; }
  /// The schema entries of this table's keys, in declaration order.
  std::vector<KeySpec> keys() const {
    std::vector<KeySpec> out;
    for (const auto& b : bindings_) out.push_back(b.spec);
    return out;
  }

  /// Fills a P from `config`: every key, then the finishing step, then P::validate(). A ParamError
  /// becomes config.fail(section, key, why), which names where the value came from.
  P read(const Config& config) const {
    P p;
    for (const auto& b : bindings_) {
      guarded(config, [&] { b.set(p, config.text(section_, b.spec.key)); });
    }
    if (finish_) {
      guarded(config, [&] { finish_(p, [&](std::string_view key) { return config.is_set(section_, key); }); });
    }
    guarded(config, [&] { p.validate(); });
    return p;
  }

 private:

  static std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
  }
  static std::vector<std::string> parse_list(const std::string& section, const std::string& key, const std::string& text,
                                             const ListRule& rule) {
    std::vector<std::string> out;
    for (const auto& w : split_list(text)) {
      if (!rule.allowed.empty()) {
        bool ok = false;
        for (const auto& a : rule.allowed) ok = ok || a == w;
        if (!ok) {
          std::string list;
          for (const auto& a : rule.allowed) list += (list.empty() ? "" : ", ") + a;
          throw ParamError(section, key,
                           rule.bad_item_why ? rule.bad_item_why(w) : "unknown item '" + w + "' (allowed: " + list + ")");
        }
      }
      bool seen = false;
      for (const auto& o : out) seen = seen || o == w;
      if (!(rule.unique && seen)) out.push_back(w);
    }
    if (out.empty() && !rule.empty_why.empty()) throw ParamError(section, key, rule.empty_why);
    return out;
  }
  ParamTable& add(KeySpec spec, Setter set, Getter get) {
    for (const auto& b : bindings_)
      if (b.spec.key == spec.key) throw std::logic_error("parameter table [" + section_ + "]: key " + spec.key + " bound twice");
    bindings_.push_back(Binding{std::move(spec), std::move(set), std::move(get)});
    return *this;
  }
  template <class Body>
  static void guarded(const Config& config, Body&& body) {
    try {
      body();
    } catch (const ParamError& e) {
      config.fail(e.section, e.key, e.why);
    }
  }

  std::string section_;
  std::vector<Binding> bindings_;
  Finish finish_;
};

/// Runs `body` (a library call that takes structs); a ParamError it throws becomes
/// config.fail(section, key, why), so the message names where the value came from.
template <class Body>
decltype(auto) with_config_errors(const Config& config, Body&& body) {
  try {
    return body();
  } catch (const ParamError& e) {
    config.fail(e.section, e.key, e.why);
  }
}

}  // namespace nanomix
