#pragma once
// The server's view of a session on disk: every message the server received and sent, in order,
// plus values it computed itself and never sent (e.g. a mask, refreshed weights), so that attacks
// run offline on real sessions (`hesplit attack`). One file per session, `session-NNNN.hsview`.
//
// Format (all integers little-endian; documented in docs/privacy.md):
//   magic "HSVIEW1\n" (8 bytes), then records until the end of the file, each:
//   u8 origin (1 received, 2 sent, 3 computed) | u32 name length | name (computed records only)
//   | u32 kind | u32 epoch | u64 batch
//   | u32 fields  | per field:  u32 key length | key | u32 value length | value
//   | u32 tensors | per tensor: u32 rank | rank x i64 dims | float32 values
//   | u32 blobs   | per blob:   u32 name length | name | u64 size | bytes
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "split/message.hpp"

namespace hesplit::split {

enum class ViewOrigin : std::uint8_t { kReceived = 1, kSent = 2, kComputed = 3 };

struct ViewRecord {
  ViewOrigin origin = ViewOrigin::kReceived;
  std::string name;  // computed records: what the value is ("mask", "weights_after_refresh")
  Message message;   // kind is 0 for computed records
};

inline constexpr const char* kServerViewExtension = ".hsview";

// Appends records to a new file; each record is flushed so a session cut short stays readable.
class ServerViewWriter {
 public:
  // Creates `dir` if needed and the first free `session-NNNN.hsview` in it (exclusive create, so
  // concurrent sessions never share a file). Throws std::runtime_error naming the file.
  explicit ServerViewWriter(const std::filesystem::path& dir);

  void record(const ViewRecord& record);
  void received(const Message& message) { record({ViewOrigin::kReceived, {}, message}); }
  void sent(const Message& message) { record({ViewOrigin::kSent, {}, message}); }
  // A value the server computed, attached to a batch (not sent anywhere).
  void computed(const std::string& name, std::uint32_t epoch, std::uint64_t batch,
                nn::FloatTensor value);

  const std::filesystem::path& path() const { return path_; }

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::filesystem::path path_;
  std::unique_ptr<std::FILE, FileCloser> file_;
};

// Malformed view files: the message names the file and the byte offset.
class ServerViewError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a view file record by record (files of HE sessions reach gigabytes: nothing is kept).
// Every size is checked against the bytes left in the file before anything is allocated.
void for_each_view_record(const std::filesystem::path& file,
                          const std::function<void(const ViewRecord&)>& visit);

}  // namespace hesplit::split
