import numpy as np
import pytest

from drumgan.settings import TrainSettings

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan.models import build_model  # noqa: E402
from drumgan.models.conv_gan import build_critic, build_generator  # noqa: E402
from drumgan.models.gan import GAN, Conditioning  # noqa: E402
from drumgan.models.losses import NonSaturating, Recipe, WassersteinGP, named_loss, r1_penalty  # noqa: E402


def weights_of(model):
    return [w.numpy().copy() for w in model.trainable_weights]


def changed(before, model):
    return any(not np.allclose(a, b.numpy()) for a, b in zip(before, model.trainable_weights))


@pytest.mark.parametrize("family", ["conv-gan", "lstm-gan"])
@pytest.mark.parametrize("loss", ["wgan-gp", "nonsaturating"])
def test_a_few_gan_steps_change_both_networks_without_nan(family, loss):
    settings = TrainSettings.for_model(family, loss=loss, critic_steps=2, width=4, units=8)
    gan = build_model(settings, n_frames=16, n_features=16)
    shape = (12, 16, 16, 1) if family == "conv-gan" else (12, 16, 16)
    real = np.random.default_rng(0).uniform(-1, 1, shape).astype("float32")
    before_g, before_c = weights_of(gan.generator), weights_of(gan.critic)
    history = gan.fit(real, batch_size=5, epochs=2, verbose=0, shuffle=False)  # the last batch (2) is smaller
    assert np.all(np.isfinite(history.history["critic_loss"] + history.history["generator_loss"]))
    assert changed(before_g, gan.generator) and changed(before_c, gan.critic)
    assert int(gan.generator_optimizer.iterations) == 6 and int(gan.critic_optimizer.iterations) == 12


def test_gan_samples_are_fixed_by_the_seed():
    gan = GAN(build_generator(8, width=2), build_critic(8, width=2), Recipe(NonSaturating()), seed=0)
    assert np.array_equal(gan.sample(3, seed=5), gan.sample(3, seed=5))
    assert not np.allclose(gan.sample(3, seed=5), gan.sample(3, seed=6))


def test_bad_gan_settings_are_refused():
    with pytest.raises(ValueError, match="wgan-gp"):
        named_loss("hinge")
    with pytest.raises(ValueError, match="critic_steps"):
        Recipe(WassersteinGP(), critic_steps=0)


def test_a_recipe_is_what_its_settings_name():
    recipe = Recipe.of(TrainSettings.for_model("conv-gan", recipe="wgan-gp"))
    assert isinstance(recipe.loss, WassersteinGP) and recipe.critic_steps == 5 and recipe.loss.penalised
    default = Recipe.of(TrainSettings.for_model("conv-gan"))
    assert isinstance(default.loss, NonSaturating) and default.loss.r1_weight > 0 and default.ema > 0
    assert not Recipe.of(TrainSettings.for_model("conv-gan", r1_weight=0.0)).loss.penalised


def image_gan(loss=None, **recipe):
    gan = GAN(build_generator(8, width=2), build_critic(8, width=2), Recipe(loss or NonSaturating(), **recipe), seed=0)
    gan.compile(tf.keras.optimizers.Adam(1e-3), tf.keras.optimizers.Adam(1e-3))
    return gan


def test_r1_is_applied_every_r1_every_critic_steps_scaled_by_it():
    loss = NonSaturating(r1_weight=2.0, r1_every=4)
    critic = build_critic(8, width=2)
    real = tf.constant(np.random.default_rng(0).uniform(-1, 1, (5, 8, 8, 1)).astype("float32"))
    penalty = float(r1_penalty(critic, real))
    assert penalty > 0
    assert float(loss.penalty(critic, real, real, None, 0)) == pytest.approx(0.5 * 2.0 * 4 * penalty, rel=1e-5)
    assert float(loss.penalty(critic, real, real, None, 1)) == 0.0
    assert float(loss.penalty(critic, real, real, None, 8)) > 0
    assert float(NonSaturating(r1_weight=0.0).penalty(critic, real, real, None, 0)) == 0.0


def test_the_gradient_penalty_is_zero_for_a_critic_of_unit_gradient_and_weighted():
    unit = lambda x: tf.reduce_sum(tf.reshape(x, [tf.shape(x)[0], -1]), axis=1) / 8.0  # noqa: E731  |grad| = 1
    real = tf.constant(np.random.default_rng(0).uniform(-1, 1, (4, 8, 8, 1)).astype("float32"))
    key = tf.constant([0, 0], tf.int64)
    assert float(WassersteinGP(10.0).penalty(unit, real, -real, key, 0)) == pytest.approx(0.0, abs=1e-6)
    double = lambda x: 2 * unit(x)  # noqa: E731  |grad| = 2: (2 - 1)^2 = 1, times the weight
    assert float(WassersteinGP(10.0).penalty(double, real, -real, key, 0)) == pytest.approx(10.0, rel=1e-5)


def test_the_moving_average_samples_and_follows_the_generator():
    gan = image_gan(ema=0.9, augmentations=("shift", "gain", "cutout"))  # a recipe of the defaults but these
    start = [w.numpy().copy() for w in gan.generator.weights]
    assert all(np.array_equal(a, w.numpy()) for a, w in zip(start, gan.ema_generator.weights))
    assert gan.sampler is gan.ema_generator and not gan.ema_generator.trainable_weights
    real = np.random.default_rng(0).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
    gan.fit(real, batch_size=8, epochs=1, verbose=0, shuffle=False)  # one step: decay min(0.9, 2 / 11)
    for before, average, weight in zip(start, gan.ema_generator.weights, gan.generator.weights):
        np.testing.assert_allclose(average.numpy(), 2 / 11 * before + 9 / 11 * weight.numpy(), atol=1e-6)
    z = np.random.default_rng(1).standard_normal((3, 100)).astype("float32")
    np.testing.assert_allclose(gan.sample(3, seed=1), gan.ema_generator(z).numpy(), atol=1e-6)
    plain = image_gan()
    assert plain.ema_generator is None and plain.sampler is plain.generator
    with pytest.raises(ValueError, match="ema"):
        image_gan(ema=1.0)


def conditional_gan(class_weight: float, lr: float = 1e-3):
    gan = GAN(
        build_generator(8, width=2, n_classes=2),
        build_critic(8, width=2, n_classes=2, class_head=True),
        Recipe(NonSaturating()),
        seed=0,
        conditioning=Conditioning(class_prior=[1, 1], class_weight=class_weight),
    )
    gan.compile(tf.keras.optimizers.Adam(lr), tf.keras.optimizers.Adam(lr))
    return gan


def two_classes(n: int = 16):
    """Quiet clips (class 0) and loud clips (class 1), half of each, with their one-hot classes."""
    rng = np.random.default_rng(0)
    labels = np.arange(n) % 2
    clips = (np.where(labels, 0.6, -0.6)[:, None, None, None] + rng.normal(0, 0.05, (n, 8, 8, 1))).astype("float32")
    return clips, np.eye(2, dtype="float32")[labels]


def test_the_class_head_adds_its_weighted_cross_entropy_and_learns_the_real_classes():
    gan = conditional_gan(class_weight=2.0, lr=1e-2)
    clips, classes = two_classes()
    score, term = gan._judge(tf.constant(clips), tf.constant(classes), None)
    logits = gan.critic([clips, classes])[1].numpy()
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    assert score.shape == (16, 1)
    assert float(term) == pytest.approx(2.0 * -np.mean(np.sum(classes * log_p, axis=1)), rel=1e-4)
    gan.fit(tf.data.Dataset.from_tensor_slices((clips, classes)).batch(16), epochs=40, verbose=0, shuffle=False)
    heard = gan.critic([clips, classes])[1].numpy().argmax(axis=1)
    assert np.array_equal(heard, classes.argmax(axis=1))


def test_the_class_term_reaches_the_generators_class_embedding():
    gan = conditional_gan(class_weight=1.0)
    clips, classes = two_classes()
    embedding = gan.generator.get_layer("head").get_layer("class_embedding").kernel
    with tf.GradientTape() as tape:
        fake = gan.generator([tf.constant(gan.latents(16)), tf.constant(classes)], training=True)
        _, term = gan._judge(fake, tf.constant(classes), None)
    assert float(tf.reduce_max(tf.abs(tape.gradient(term, embedding)))) > 0


def test_a_class_weight_needs_a_conditional_critic_with_a_class_head():
    with pytest.raises(ValueError, match="class_weight"):
        GAN(
            build_generator(8, width=2),
            build_critic(8, width=2),
            Recipe(NonSaturating()),
            seed=0,
            conditioning=Conditioning(class_weight=1.0),
        )
    with pytest.raises(ValueError, match="conditional"):
        build_critic(8, width=2, class_head=True)
