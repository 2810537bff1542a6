#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace quiver::diskann {

template <typename Signature>
class FunctionRef;

// A non-owning reference to a callable, valid while the callable lives: passes a lambda to a
// function that calls it before returning, without std::function's allocation.
template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
public:
    template <typename F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef> &&
             std::is_invocable_r_v<R, F&, Args...>)
        FunctionRef(F&& f) // NOLINT(google-explicit-constructor): used like a function parameter
        : object_(const_cast<void*>(static_cast<const void*>(std::addressof(f))))
        , call_([](void* o, Args... args) -> R {
            return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(args)...);
        }) {}

    R operator()(Args... args) const { return call_(object_, std::forward<Args>(args)...); }

private:
    void* object_;
    R (*call_)(void*, Args...);
};

} // namespace quiver::diskann
