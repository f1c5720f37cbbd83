# Loss Lens example: the same three-class batch through PyTorch, Keras and optax.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import tensorflow as tf

logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
target = torch.tensor([0, 2])

probs = F.softmax(logits, dim=1)
loss = F.cross_entropy(logits, target)
per_row = F.cross_entropy(logits, target, reduction='none')

# The classic mistake: softmax fed to a loss that applies softmax itself.
double = F.cross_entropy(F.softmax(logits, dim=1), target)

y_true = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
y_pred = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
tf_loss = tf.nn.softmax_cross_entropy_with_logits(labels=y_true, logits=y_pred)
