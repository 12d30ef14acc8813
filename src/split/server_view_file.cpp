#include "split/server_view_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <vector>

namespace hesplit::split {

namespace {

constexpr char kMagic[8] = {'H', 'S', 'V', 'I', 'E', 'W', '1', '\n'};
constexpr std::uint32_t kMaxRank = 8;

// Builds one record in memory, then writes it with a single fwrite.
class RecordEncoder {
 public:
  template <typename T>
  void put(T value) {
    const auto* bytes = reinterpret_cast<const char*>(&value);
    out_.insert(out_.end(), bytes, bytes + sizeof value);
  }
  void put_bytes(const std::string& text) {
    put(static_cast<std::uint32_t>(text.size()));
    out_.insert(out_.end(), text.begin(), text.end());
  }
  void put_raw(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const char*>(data);
    out_.insert(out_.end(), bytes, bytes + size);
  }
  const std::vector<char>& bytes() const { return out_; }

 private:
  std::vector<char> out_;
};

std::vector<char> encode(const ViewRecord& record) {
  RecordEncoder e;
  const Message& m = record.message;
  e.put(static_cast<std::uint8_t>(record.origin));
  e.put_bytes(record.name);
  e.put(static_cast<std::uint32_t>(m.kind));
  e.put(m.epoch);
  e.put(m.batch);
  e.put(static_cast<std::uint32_t>(m.fields.size()));
  for (const auto& [key, value] : m.fields) {
    e.put_bytes(key);
    e.put_bytes(value);
  }
  e.put(static_cast<std::uint32_t>(m.tensors.size()));
  for (const nn::FloatTensor& t : m.tensors) {
    e.put(static_cast<std::uint32_t>(t.shape.size()));
    for (const std::int64_t d : t.shape) e.put(d);
    e.put_raw(t.data.data(), t.data.size() * sizeof(float));
  }
  e.put(static_cast<std::uint32_t>(m.blobs.size()));
  for (const Blob& b : m.blobs) {
    e.put_bytes(b.name);
    e.put(static_cast<std::uint64_t>(b.bytes.size()));
    e.put_raw(b.bytes.data(), b.bytes.size());
  }
  return e.bytes();
}

// Reads with bounds: every length is checked against what is left of the file.
class BoundedReader {
 public:
  explicit BoundedReader(const std::filesystem::path& file)
      : file_(file), in_(file, std::ios::binary) {
    if (!in_) throw ServerViewError("server view " + file.string() + ": cannot open the file");
    in_.seekg(0, std::ios::end);
    size_ = static_cast<std::uint64_t>(in_.tellg());
    in_.seekg(0);
  }
  bool at_end() const { return offset_ == size_; }
  std::uint64_t offset() const { return offset_; }

  [[noreturn]] void fail(const std::string& what) const {
    throw ServerViewError("server view " + file_.string() + ": byte offset " +
                          std::to_string(offset_) + ": " + what);
  }
  void need(std::uint64_t bytes, const char* what) const {
    if (bytes > size_ - offset_) {
      fail(std::string("truncated ") + what + " (" + std::to_string(bytes) + " bytes announced, " +
           std::to_string(size_ - offset_) + " left)");
    }
  }
  void raw(void* out, std::uint64_t bytes, const char* what) {
    need(bytes, what);
    in_.read(static_cast<char*>(out), static_cast<std::streamsize>(bytes));
    if (!in_) fail(std::string("read error in ") + what);
    offset_ += bytes;
  }
  template <typename T>
  T get(const char* what) {
    T value{};
    raw(&value, sizeof value, what);
    return value;
  }
  std::string text(const char* what) {
    const auto length = get<std::uint32_t>(what);
    need(length, what);
    std::string out(length, '\0');
    raw(out.data(), length, what);
    return out;
  }

 private:
  std::filesystem::path file_;
  std::ifstream in_;
  std::uint64_t size_ = 0;
  std::uint64_t offset_ = 0;
};

nn::FloatTensor read_tensor(BoundedReader& r) {
  nn::FloatTensor t;
  const auto rank = r.get<std::uint32_t>("tensor rank");
  if (rank > kMaxRank)
    r.fail("tensor rank " + std::to_string(rank) + " exceeds " + std::to_string(kMaxRank));
  for (std::uint32_t i = 0; i < rank; ++i) t.shape.push_back(r.get<std::int64_t>("tensor shape"));
  std::size_t count = 0;
  try {
    count = nn::FloatTensor::element_count(t.shape, std::numeric_limits<std::uint32_t>::max());
  } catch (const std::invalid_argument& e) {
    r.fail(e.what());
  }
  r.need(static_cast<std::uint64_t>(count) * sizeof(float), "tensor values");
  t.data.resize(count);
  r.raw(t.data.data(), count * sizeof(float), "tensor values");
  return t;
}

ViewRecord read_record(BoundedReader& r) {
  ViewRecord record;
  const auto origin = r.get<std::uint8_t>("record origin");
  if (origin < 1 || origin > 3) r.fail("unknown record origin " + std::to_string(origin));
  record.origin = static_cast<ViewOrigin>(origin);
  record.name = r.text("record name");
  Message& m = record.message;
  const auto kind = r.get<std::uint32_t>("message kind");
  if (kind > kMaxMessageKind) r.fail("unknown message kind " + std::to_string(kind));
  m.kind = static_cast<MessageKind>(kind);
  m.epoch = r.get<std::uint32_t>("epoch");
  m.batch = r.get<std::uint64_t>("batch");
  const auto fields = r.get<std::uint32_t>("field count");
  r.need(static_cast<std::uint64_t>(fields) * 8, "fields");
  for (std::uint32_t i = 0; i < fields; ++i) {
    std::string key = r.text("field key");
    m.fields[key] = r.text("field value");
  }
  const auto tensors = r.get<std::uint32_t>("tensor count");
  r.need(static_cast<std::uint64_t>(tensors) * 4, "tensors");
  for (std::uint32_t i = 0; i < tensors; ++i) m.tensors.push_back(read_tensor(r));
  const auto blobs = r.get<std::uint32_t>("blob count");
  r.need(static_cast<std::uint64_t>(blobs) * 12, "blobs");
  for (std::uint32_t i = 0; i < blobs; ++i) {
    Blob blob;
    blob.name = r.text("blob name");
    const auto size = r.get<std::uint64_t>("blob size");
    r.need(size, "blob bytes");
    blob.bytes.resize(size);
    r.raw(blob.bytes.data(), size, "blob bytes");
    m.blobs.push_back(std::move(blob));
  }
  return record;
}

std::FILE* create_exclusive(const std::filesystem::path& dir, std::filesystem::path& chosen) {
  for (int index = 1; index < 1000000; ++index) {
    char name[40];
    std::snprintf(name, sizeof name, "session-%04d%s", index, kServerViewExtension);
    chosen = dir / name;
    std::FILE* file = std::fopen(chosen.c_str(), "wbx");
    if (file != nullptr) return file;
    if (errno != EEXIST) {
      throw std::runtime_error("server view " + chosen.string() +
                               ": cannot create: " + std::strerror(errno));
    }
  }
  throw std::runtime_error("server view folder " + dir.string() + ": no free session file name");
}

}  // namespace

ServerViewWriter::ServerViewWriter(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  file_.reset(create_exclusive(dir, path_));
  if (std::fwrite(kMagic, 1, sizeof kMagic, file_.get()) != sizeof kMagic ||
      std::fflush(file_.get()) != 0) {
    throw std::runtime_error("server view " + path_.string() + ": write failed");
  }
}

void ServerViewWriter::record(const ViewRecord& record) {
  const std::vector<char> bytes = encode(record);
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size() ||
      std::fflush(file_.get()) != 0) {
    throw std::runtime_error("server view " + path_.string() + ": write failed (disk full?)");
  }
}

void ServerViewWriter::computed(const std::string& name, std::uint32_t epoch, std::uint64_t batch,
                                nn::FloatTensor value) {
  ViewRecord r{ViewOrigin::kComputed, name, {}};
  r.message.kind = static_cast<MessageKind>(0);
  r.message.epoch = epoch;
  r.message.batch = batch;
  r.message.tensors.push_back(std::move(value));
  record(r);
}

void for_each_view_record(const std::filesystem::path& file,
                          const std::function<void(const ViewRecord&)>& visit) {
  BoundedReader r(file);
  char magic[sizeof kMagic];
  r.raw(magic, sizeof magic, "magic");
  if (std::memcmp(magic, kMagic, sizeof kMagic) != 0)
    r.fail("not a hesplit server view (bad magic)");
  while (!r.at_end()) visit(read_record(r));
}

}  // namespace hesplit::split
