//! The names of the hidden methods that generated code defines on an activation's type and
//! calls, in one place. They start with `__act_` so that they cannot clash with a user's
//! methods; none is public API.

use proc_macro2::Ident;
use quote::format_ident;

/// The value for one element (a gated activation's from `a` and `b`).
pub(super) fn value() -> Ident {
    format_ident!("__act_value")
}

/// A gated activation's value for one pair with its scaled kernel in the near form, for the
/// chunks whose gates are all at or above the kernel's bound (see `plan::Near`).
pub(super) fn value_near() -> Ident {
    format_ident!("__act_value_near")
}

/// The derivative for one element (a vector activation's `∂f/∂x` with the reductions fixed).
pub(super) fn deriv() -> Ident {
    format_ident!("__act_deriv")
}

/// [`value`] with its tail selects folded away (`codegen/tail.rs`).
pub(super) fn value_lean() -> Ident {
    format_ident!("__act_value_lean")
}

/// [`deriv`] with its tail selects folded away (`codegen/tail.rs`).
pub(super) fn deriv_lean() -> Ident {
    format_ident!("__act_deriv_lean")
}

/// A method's twin with every product by a parameter plain, rather than rounded once
/// (`codegen/elementwise.rs`): `__act_value_plain`.
pub(super) fn plain(method: &Ident) -> Ident {
    format_ident!("{}_plain", method)
}

/// [`value`] in the one-element methods' kernels (`OneKernels`).
pub(super) fn value_one() -> Ident {
    format_ident!("__act_value_one")
}

/// [`deriv`] in the one-element methods' kernels (`OneKernels`).
pub(super) fn deriv_one() -> Ident {
    format_ident!("__act_deriv_one")
}

/// The value reading the stored body `e` of an earlier pass.
pub(super) fn value_stored() -> Ident {
    format_ident!("__act_value_e")
}

/// [`deriv`] reading the stored body `e` of an earlier pass.
pub(super) fn deriv_stored() -> Ident {
    format_ident!("__act_deriv_e")
}

/// The body of reduction `j` for one element.
pub(super) fn body(j: usize) -> Ident {
    format_ident!("__act_body{}", j)
}

/// The body of reduction `j` as stored for a later pass.
pub(super) fn body_raw(j: usize) -> Ident {
    format_ident!("__act_body{}_raw", j)
}

/// [`body_raw`] in the forward pass, with the flushing `exp`.
pub(super) fn body_raw_forward(j: usize) -> Ident {
    format_ident!("__act_body{}_raw_fwd", j)
}

/// [`body_raw_forward`] for rows whose spread keeps every `exp` normal.
pub(super) fn body_raw_forward_normal(j: usize) -> Ident {
    format_ident!("__act_body{}_raw_fwd_normal", j)
}

/// [`body`] for rows whose spread keeps every `exp` normal.
pub(super) fn body_normal(j: usize) -> Ident {
    format_ident!("__act_body{}_normal", j)
}

/// `∂f/∂r_j` for one element.
pub(super) fn output_partial(j: usize) -> Ident {
    format_ident!("__act_out_partial{}", j)
}

/// [`output_partial`] reading the stored body `e`.
pub(super) fn output_partial_stored(j: usize) -> Ident {
    format_ident!("__act_out_partial{}_e", j)
}

/// `∂body_j/∂x` for one element.
pub(super) fn body_dx(j: usize) -> Ident {
    format_ident!("__act_body_dx{}", j)
}

/// [`body_dx`] reading the stored body `e`.
pub(super) fn body_dx_stored(j: usize) -> Ident {
    format_ident!("__act_body_dx{}_e", j)
}

/// `∂body_j/∂r_k` for one element.
pub(super) fn body_dr(j: usize, k: usize) -> Ident {
    format_ident!("__act_body{}_dr{}", j, k)
}

/// The partial derivative by parameter `k` for one element.
pub(super) fn param_partial(k: usize) -> Ident {
    format_ident!("__act_dp{}", k)
}

/// A gated activation's two partial derivatives, by `a` and by `b`, from one body.
pub(super) fn partials() -> Ident {
    format_ident!("__act_partials")
}

/// The vector-Jacobian product from the output for one element.
pub(super) fn vjp_out() -> Ident {
    format_ident!("__act_vjp_out")
}

/// The body of the output-form VJP's reduction `j` for one element.
pub(super) fn vjp_body(j: usize) -> Ident {
    format_ident!("__act_vjp_body{}", j)
}

/// An elementwise activation's value for one element, in the build the slice loops use.
pub(super) fn forward_one() -> Ident {
    format_ident!("__act_forward_one")
}

/// An elementwise activation's derivative for one element, in the build the slice loops use.
pub(super) fn derivative_one() -> Ident {
    format_ident!("__act_derivative_one")
}

/// The Jacobian's diagonal of a vector activation.
pub(super) fn jacobian_diagonal() -> Ident {
    format_ident!("__act_jacobian_diagonal")
}

/// A vector activation's reductions and chain-rule aggregates, for the diagonal.
pub(super) fn prepare() -> Ident {
    format_ident!("__act_prepare")
}

/// The switching expression `k` at the current parameters (see `metadata`).
pub(super) fn switch() -> Ident {
    format_ident!("__act_switch")
}

/// The dispatched slice methods (see [`super::isa::dispatched`]), by what they compute.
pub(super) mod slice {
    use proc_macro2::Ident;
    use quote::format_ident;

    /// `y = f(x)`.
    pub(in crate::codegen) fn forward() -> Ident {
        format_ident!("__act_forward_slice")
    }

    /// [`forward`] for inputs of at most `short::LEN` elements.
    pub(in crate::codegen) fn forward_short() -> Ident {
        format_ident!("__act_forward_short")
    }

    /// [`forward`] for inputs of at most `medium::LEN` elements.
    pub(in crate::codegen) fn forward_medium() -> Ident {
        format_ident!("__act_forward_medium")
    }

    /// [`forward`] over each row of a batch.
    pub(in crate::codegen) fn forward_rows() -> Ident {
        format_ident!("__act_forward_rows")
    }

    /// `x = f(x)`.
    pub(in crate::codegen) fn forward_in_place() -> Ident {
        format_ident!("__act_forward_in_place")
    }

    /// The VJP `grad_x = J^T grad_y`.
    pub(in crate::codegen) fn backward() -> Ident {
        format_ident!("__act_backward_slice")
    }

    /// [`backward`] for inputs of at most `short::LEN` elements.
    pub(in crate::codegen) fn backward_short() -> Ident {
        format_ident!("__act_backward_short")
    }

    /// [`backward`] for inputs of at most `medium::LEN` elements.
    pub(in crate::codegen) fn backward_medium() -> Ident {
        format_ident!("__act_backward_medium")
    }

    /// [`backward`] over each row of a batch.
    pub(in crate::codegen) fn backward_rows() -> Ident {
        format_ident!("__act_backward_rows")
    }

    /// `dy = f'(x)`.
    pub(in crate::codegen) fn derivative() -> Ident {
        format_ident!("__act_derivative_slice")
    }

    /// The gradient by the parameters.
    pub(in crate::codegen) fn backward_params() -> Ident {
        format_ident!("__act_backward_params")
    }

    /// The VJP from the output.
    pub(in crate::codegen) fn backward_from_output() -> Ident {
        format_ident!("__act_backward_from_output")
    }

    /// [`backward_from_output`] for inputs of at most `short::LEN` elements.
    pub(in crate::codegen) fn backward_from_output_short() -> Ident {
        format_ident!("__act_backward_from_output_short")
    }

    /// [`backward_from_output`] for inputs of at most `medium::LEN` elements.
    pub(in crate::codegen) fn backward_from_output_medium() -> Ident {
        format_ident!("__act_backward_from_output_medium")
    }

    /// [`backward_from_output`] over each row of a batch.
    pub(in crate::codegen) fn backward_rows_from_output() -> Ident {
        format_ident!("__act_backward_rows_from_output")
    }
}
