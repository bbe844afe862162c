// wire.cpp - see wire.h.
#include "plugins/isolation/wire.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mcph::wire {

Writer::Writer(Msg type, uint64_t tag) {
  body_.reserve(256);
  body_.append(4, '\0');  // the length, filled in by Frame()
  U8(static_cast<uint8_t>(type));
  U64(tag);
}

void Writer::Str(std::string_view s) {
  U32(static_cast<uint32_t>(s.size()));
  Raw(s.data(), s.size());
}

void Writer::OptStr(const char* s) {
  U8(s ? 1 : 0);
  if (s) Str(s);
}

std::string& Writer::Frame() {
  const uint32_t n = static_cast<uint32_t>(body_.size() - 4);
  std::memcpy(body_.data(), &n, 4);
  return body_;
}

std::string_view Reader::Str() {
  const uint32_t n = U32();
  if (!ok_ || static_cast<size_t>(end_ - p_) < n) {
    ok_ = false;
    return {};
  }
  std::string_view s(p_, n);
  p_ += n;
  return s;
}

std::optional<std::string_view> Reader::OptStr() {
  if (U8() == 0) return std::nullopt;
  return Str();
}

bool WriteFrame(int fd, std::string& frame) {
  const char* p = frame.data();
  size_t left = frame.size();
  while (left > 0) {
    ssize_t n = ::send(fd, p, left, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

namespace {
bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t got = ::read(fd, p, n);
    if (got == 0) return false;
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}
}  // namespace

bool ReadFrame(int fd, std::string& body, uint64_t max_body) {
  uint32_t n = 0;
  if (!ReadAll(fd, reinterpret_cast<char*>(&n), sizeof n)) return false;
  if (n > max_body || n < 9) return false;
  body.resize(n);
  return ReadAll(fd, body.data(), n);
}

bool FrameReader::Next(std::string_view& body) {
  for (;;) {
    if (end_ - start_ >= 4) {
      uint32_t n = 0;
      std::memcpy(&n, buf_.data() + start_, 4);
      if (n > max_body_ || n < 9) return false;
      if (end_ - start_ >= 4 + static_cast<size_t>(n)) {
        body = std::string_view(buf_.data() + start_ + 4, n);
        start_ += 4 + n;
        return true;
      }
      if (buf_.size() < 4 + static_cast<size_t>(n)) {
        // Make room for the whole frame (moving what is buffered to the front).
        std::string bigger(std::max<size_t>(4 + static_cast<size_t>(n), 64 * 1024), '\0');
        std::memcpy(bigger.data(), buf_.data() + start_, end_ - start_);
        buf_.swap(bigger);
        end_ -= start_;
        start_ = 0;
      }
    }
    if (start_ == end_) {
      start_ = end_ = 0;
      if (buf_.size() > (1 << 20)) std::string().swap(buf_);  // a big result passed: give the memory back
    }
    if (buf_.size() < 64 * 1024) buf_.resize(64 * 1024);
    if (end_ == buf_.size()) {  // the frame's start is not at the front: move it
      std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
      end_ -= start_;
      start_ = 0;
    }
    ssize_t got = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (got == 0) return false;
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    end_ += static_cast<size_t>(got);
  }
}

std::optional<Header> ReadHeader(Reader& r) {
  const uint8_t type = r.U8();
  const uint64_t tag = r.U64();
  if (!r.ok() || type < static_cast<uint8_t>(Msg::kOpen) || type > static_cast<uint8_t>(Msg::kResourceUpdated))
    return std::nullopt;
  return Header{static_cast<Msg>(type), tag};
}

}  // namespace mcph::wire
