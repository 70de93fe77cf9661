#include "io/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace costsweep::io {
namespace {

namespace fs = std::filesystem;

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown-host";
  return name;
}

std::string system_error(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string read_all(int fd) {
  std::string text;
  char buffer[512];
  if (lseek(fd, 0, SEEK_SET) < 0) return text;
  for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) {
    text.append(buffer, static_cast<std::size_t>(n));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

void sync_folder(const fs::path& file) {
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const int fd = open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // the rename is done; only its durability is not forced
  fsync(fd);
  close(fd);
}

}  // namespace

std::string output_problem(const std::string& output, const std::vector<std::string>& inputs) {
  std::error_code ec;
  if (fs::is_directory(output, ec)) {
    return "cannot write result file '" + output + "': it is a folder (name a file, e.g. " +
           (fs::path(output) / "result.h5").string() + ")";
  }
  if (!fs::exists(output, ec)) return {};
  for (const auto& input : inputs) {
    if (fs::equivalent(output, input, ec)) {
      return "cannot write result file '" + output + "': it is '" + input +
             "', which this command reads; choose another output name";
    }
  }
  return {};
}

OutputLock::OutputLock(const std::string& output, const std::string& command,
                       const std::string& partial)
    : path_(output + ".lock") {
  for (int attempt = 0; attempt < 3; ++attempt) {
    fd_ = open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw RuntimeError(system_error("cannot create lock file '" + path_ + "'"));
    }
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    if (fcntl(fd_, F_SETLK, &lock) != 0) {
      const std::string holder = read_all(fd_);
      close(fd_);
      fd_ = -1;
      throw InputError("cannot write result file '" + output + "': another run is writing it (" +
                       (holder.empty() ? "holder unknown" : holder) + ", lock file '" + path_ +
                       "'); wait for it to finish or choose another output name");
    }
    // The holder before us may have removed the file after we opened it: lock the file that is
    // there now.
    struct stat held {
    }, named{};
    if (fstat(fd_, &held) == 0 && stat(path_.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev) {
      break;
    }
    close(fd_);
    fd_ = -1;
  }
  if (fd_ < 0) throw RuntimeError("cannot take lock file '" + path_ + "': it keeps changing");
  stale_ = read_all(fd_);
  // A killed run's temporary file, named in its lock: ours to remove now that we hold the lock.
  const auto from = stale_.find(", writing "), to = stale_.find(", command ");
  if (from != std::string::npos && to != std::string::npos && to > from + 10) {
    const std::string left = stale_.substr(from + 10, to - from - 10);
    std::error_code ec;
    if (left.rfind(output + ".", 0) == 0 && left.size() > 8 &&
        left.compare(left.size() - 8, 8, ".partial") == 0) {
      if (fs::remove(left, ec)) stale_ += "; removed its temporary file " + left;
      // And the lock files MPI-IO keeps beside an open file (Open MPI's shared file pointer:
      // <file>-<n>-<pid>.lock), which a killed run leaves too.
      const fs::path dir =
          fs::path(left).parent_path().empty() ? fs::path(".") : fs::path(left).parent_path();
      const std::string prefix = fs::path(left).filename().string() + "-";
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size() + 5 &&
            name.compare(name.size() - 5, 5, ".lock") == 0) {
          std::error_code ignored;
          fs::remove(entry.path(), ignored);
        }
      }
    }
  }
  const std::time_t now = std::time(nullptr);
  char when[32] = {};
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  const std::string text = "host " + host_name() + ", pid " + std::to_string(getpid()) +
                           ", started " + when + ", writing " + partial + ", command " + command +
                           "\n";
  if (ftruncate(fd_, 0) != 0 || pwrite(fd_, text.data(), text.size(), 0) < 0) {
    const std::string error = system_error("cannot write lock file '" + path_ + "'");
    release();
    throw RuntimeError(error);
  }
}

OutputLock::~OutputLock() { release(); }

std::string OutputLock::takeover_note() const {
  if (stale_.empty()) return {};
  return "note: " + path_ + " was left by a run that is no longer alive (" + stale_ +
         "); taken over";
}

void OutputLock::release() noexcept {
  if (fd_ < 0) return;
  unlink(path_.c_str());  // while still holding it: a waiting run then locks a fresh file
  close(fd_);
  fd_ = -1;
}

std::string partial_name(const std::string& output) {
  return output + "." + host_name() + "-" + std::to_string(getpid()) + ".partial";
}

void publish(const std::string& partial, const std::string& final_path) {
  const int fd = open(partial.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    const std::string error = system_error("cannot flush result file '" + partial + "'");
    if (fd >= 0) close(fd);
    throw RuntimeError(error);
  }
  close(fd);
  std::error_code ec;
  fs::rename(partial, final_path, ec);
  if (ec) {
    throw RuntimeError("cannot rename '" + partial + "' to '" + final_path + "': " + ec.message());
  }
  sync_folder(final_path);
}

}  // namespace costsweep::io
