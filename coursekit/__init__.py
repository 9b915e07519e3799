"""coursekit — a small numpy library for teaching neural networks, backpropagation,
optimization and support vector machines.

Modules (each one idea): functional (the forward/backward formulas, each written once),
layers (Layer objects and Sequential), losses (loss objects), init (initializers), optim
(optimizers), schedules (learning-rate schedules), train (the minibatch loop), svm,
finite_diff (central differences), gradcheck (checking gradients against them),
landscapes (loss surfaces), datasets, plotting, widgets; _validate (argument checks).
"""

__version__ = "0.1.0"
