// Linked into every binary of a ThreadSanitizer build (HANDOVER_SANITIZE=
// thread), and only there.
//
// Debian's abseil is not built with ThreadSanitizer, so absl::Mutex locks
// and unlocks inside uninstrumented code that TSan cannot see: every field
// an absl::Mutex guards would be reported as a data race, hiding the real
// ones. These definitions interpose absl::Mutex's and absl::CondVar's
// out-of-line entry points (an executable's definition wins over a shared
// library's; the build exports them so abseil's own calls, such as
// absl::Notification's, come here too), call the real ones found with
// dlsym(RTLD_NEXT), and tell TSan of the acquire and the release.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);

namespace {

#define HANDOVER_STR2(x) #x
#define HANDOVER_STR(x) HANDOVER_STR2(x)

// The Itanium-mangled name of absl::<inline namespace>::<rest>; a rest
// starting with 'K' names a const member function.
std::string AbslSymbol(std::string rest) {
  const std::string ns = HANDOVER_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const bool is_const = rest[0] == 'K';
  if (is_const) rest.erase(0, 1);
  return std::string(is_const ? "_ZNK" : "_ZN") + "4absl" +
         std::to_string(ns.size()) + ns + rest;
}

template <typename Fn>
Fn Real(const char* rest) {
  const std::string name = AbslSymbol(rest);
  void* fn = dlsym(RTLD_NEXT, name.c_str());
  if (fn == nullptr) {
    std::fprintf(stderr, "absl_sync_for_tsan: %s not found\n", name.c_str());
    std::abort();
  }
  return reinterpret_cast<Fn>(fn);
}

// Each entry point's real function, looked up once.
#define HANDOVER_REAL(type, rest)            \
  static const auto real = Real<type>(rest); \
  (void)0

// Abseil evaluates a Condition inside its own (unseen) code, also after it
// has taken the mutex back on waking; this wrapper tells TSan the mutex is
// held before each evaluation.
// Another thread (the one unlocking) may evaluate it, so the wrapper itself
// is published too.
class HeldCondition {
 public:
  HeldCondition(const absl::Condition* inner, absl::Mutex* mu)
      : inner_(inner), mu_(mu) {
    __tsan_release(this);
  }
  static bool Eval(void* self) {
    __tsan_acquire(self);
    auto* held = static_cast<HeldCondition*>(self);
    __tsan_acquire(held->mu_);
    const bool met = held->inner_->Eval();
    // A false condition lets the mutex go inside Abseil: publish the read.
    __tsan_release(held->mu_);
    return met;
  }

 private:
  const absl::Condition* const inner_;
  absl::Mutex* const mu_;
};

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

void Mutex::Lock() {
  HANDOVER_REAL(void (*)(Mutex*), "5Mutex4LockEv");
  real(this);
  __tsan_acquire(this);
}

void Mutex::ReaderLock() {
  HANDOVER_REAL(void (*)(Mutex*), "5Mutex10ReaderLockEv");
  real(this);
  __tsan_acquire(this);
}

bool Mutex::TryLock() {
  HANDOVER_REAL(bool (*)(Mutex*), "5Mutex7TryLockEv");
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

bool Mutex::ReaderTryLock() {
  HANDOVER_REAL(bool (*)(Mutex*), "5Mutex13ReaderTryLockEv");
  const bool locked = real(this);
  if (locked) __tsan_acquire(this);
  return locked;
}

void Mutex::Unlock() {
  HANDOVER_REAL(void (*)(Mutex*), "5Mutex6UnlockEv");
  __tsan_release(this);
  real(this);
}

void Mutex::ReaderUnlock() {
  HANDOVER_REAL(void (*)(Mutex*), "5Mutex12ReaderUnlockEv");
  __tsan_release(this);
  real(this);
}

void Mutex::LockWhen(const Condition& cond) {
  HANDOVER_REAL(void (*)(Mutex*, const Condition&),
                "5Mutex8LockWhenERKNS0_9ConditionE");
  HeldCondition held(&cond, this);
  real(this, Condition(&HeldCondition::Eval, &held));
  __tsan_acquire(this);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  HANDOVER_REAL(void (*)(Mutex*, const Condition&),
                "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  HeldCondition held(&cond, this);
  real(this, Condition(&HeldCondition::Eval, &held));
  __tsan_acquire(this);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, Duration timeout) {
  HANDOVER_REAL(bool (*)(Mutex*, const Condition&, Duration),
                "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  HeldCondition held(&cond, this);
  const bool met = real(this, Condition(&HeldCondition::Eval, &held), timeout);
  __tsan_acquire(this);  // held whether or not the condition became true
  return met;
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, Time deadline) {
  HANDOVER_REAL(bool (*)(Mutex*, const Condition&, Time),
                "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  HeldCondition held(&cond, this);
  const bool met = real(this, Condition(&HeldCondition::Eval, &held), deadline);
  __tsan_acquire(this);
  return met;
}

// Await releases the mutex while it waits and holds it again on return.
void Mutex::Await(const Condition& cond) {
  HANDOVER_REAL(void (*)(Mutex*, const Condition&),
                "5Mutex5AwaitERKNS0_9ConditionE");
  HeldCondition held(&cond, this);
  __tsan_release(this);
  real(this, Condition(&HeldCondition::Eval, &held));
  __tsan_acquire(this);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, Duration timeout) {
  HANDOVER_REAL(bool (*)(Mutex*, const Condition&, Duration),
                "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  HeldCondition held(&cond, this);
  __tsan_release(this);
  const bool met = real(this, Condition(&HeldCondition::Eval, &held), timeout);
  __tsan_acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(const Condition& cond, Time deadline) {
  HANDOVER_REAL(bool (*)(Mutex*, const Condition&, Time),
                "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  HeldCondition held(&cond, this);
  __tsan_release(this);
  const bool met = real(this, Condition(&HeldCondition::Eval, &held), deadline);
  __tsan_acquire(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  HANDOVER_REAL(void (*)(CondVar*, Mutex*), "7CondVar4WaitEPNS0_5MutexE");
  __tsan_release(mu);
  real(this, mu);
  __tsan_acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  HANDOVER_REAL(bool (*)(CondVar*, Mutex*, Duration),
                "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  __tsan_release(mu);
  const bool timed_out = real(this, mu, timeout);
  __tsan_acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  HANDOVER_REAL(bool (*)(CondVar*, Mutex*, Time),
                "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  __tsan_release(mu);
  const bool timed_out = real(this, mu, deadline);
  __tsan_acquire(mu);
  return timed_out;
}

// Notify publishes what came before it; a wait that returns true has seen
// it. (HasBeenNotified() is inline, so it reads the flag itself.)
void Notification::Notify() {
  HANDOVER_REAL(void (*)(Notification*), "12Notification6NotifyEv");
  __tsan_release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  HANDOVER_REAL(void (*)(const Notification*),
                "K12Notification19WaitForNotificationEv");
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  HANDOVER_REAL(
      bool (*)(const Notification*, Duration),
      "K12Notification30WaitForNotificationWithTimeoutENS0_8DurationE");
  const bool notified = real(this, timeout);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  HANDOVER_REAL(bool (*)(const Notification*, Time),
                "K12Notification31WaitForNotificationWithDeadlineENS0_4TimeE");
  const bool notified = real(this, deadline);
  if (notified) __tsan_acquire(const_cast<Notification*>(this));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl
