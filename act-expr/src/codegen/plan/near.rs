//! The lean first pass of a gated forward: the body of the value with its one scaled kernel
//! call in the kernel's near form (`FloatKernels::__kernel_near`), for the chunks of a slice
//! whose gates (that call's argument, an input) are all at or above the kernel's bound
//! (`FloatKernels::__near_from`), where the near form gives the scaled kernel's bits with
//! `1/c = 1`. The slice loop (`act_core::__private::map_pairs_near`) scans each chunk's gates
//! and runs this body or the full one.

use super::{Binding, Body, Kernel, Scaled};
use crate::graph::{Graph, Node};

/// The input a near body's kernel reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::codegen) enum Gate {
    /// The first input (`x` in the generated code).
    A,
    /// The second input, `b`.
    B,
}

/// What the slice loop needs besides the near body: the gate and the kernel whose bound
/// `FloatKernels::__near_from` gives.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(in crate::codegen) struct Near {
    pub gate: Gate,
    pub kernel: Kernel,
}

impl Kernel {
    /// Whether act-core has a near form of its scaled kernel (the function table's `near`,
    /// and the lean sigmoid's).
    fn has_near_form(self) -> bool {
        match self {
            Kernel::Of(f) => f.has_near_form(),
            Kernel::SigmoidLean => true,
        }
    }
}

impl Body {
    /// The body with its scaled kernel call in the near form, and the gate: where the body
    /// has exactly one scaled kernel call, its kernel has a near form, its argument is an
    /// input, and no correction rides on it (GLU's `sigmoid(b)`, SwiGLU's `silu(a)`, GEGLU's
    /// `gelu(a)`). None otherwise: the slice loop keeps the full body alone.
    pub(in crate::codegen) fn near(mut self, g: &Graph) -> Option<(Body, Near)> {
        let mut calls = self.bindings.iter_mut().filter_map(|b| match b {
            Binding::Scaled {
                source: Scaled::Kernel { .. },
                ..
            } => Some(b),
            _ => None,
        });
        let (call, None) = (calls.next()?, calls.next()) else {
            return None;
        };
        let Binding::Scaled {
            source:
                Scaled::Kernel {
                    kernel,
                    arg,
                    exp_correction: None,
                    sigmoid_correction: None,
                    near,
                },
            ..
        } = call
        else {
            return None;
        };
        let gate = match g.node(*arg) {
            Node::X => Gate::A,
            Node::B => Gate::B,
            _ => return None,
        };
        if !kernel.has_near_form() {
            return None;
        }
        *near = true;
        let kernel = *kernel;
        Some((self, Near { gate, kernel }))
    }
}
