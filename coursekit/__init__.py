"""coursekit — a small numpy library for teaching neural networks, backpropagation,
optimization and support vector machines.

Modules (each one idea): functional (reference kernels), layers (Layer objects and
Sequential), init (initializers), optim (optimizers, schedules), svm, gradcheck
(finite differences), landscapes (loss surfaces), datasets, plotting, widgets.
"""

__version__ = "0.1.0"
