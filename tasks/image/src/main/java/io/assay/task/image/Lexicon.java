package io.assay.task.image;

import java.util.Set;

/**
 * What the words of a prompt do to a {@link Scene}: colours tint it, settings choose the sky and
 * the ground, things add shapes, styles change contrast, saturation and texture. A word it does
 * not know still counts: its hash picks a colour and adds a small shape, so every prompt shapes
 * its picture.
 */
final class Lexicon {

  private static final Set<String> IGNORED = Set.of("a", "an", "the", "of", "over", "in", "on",
      "with", "and", "at", "by", "for", "from", "to", "under", "above", "into", "is", "very",
      "its", "their", "his", "her", "this", "that", "some", "near", "behind", "beside", "style",
      "art", "image", "picture", "scene", "view", "background", "made", "like", "or", "as");

  private Lexicon() {}

  static void apply(String word, Scene.Builder b) {
    if (IGNORED.contains(word)) {
      return;
    }
    switch (word) {
      // Colours.
      case "red", "crimson", "scarlet" -> b.colour(200, 35, 40);
      case "orange" -> b.colour(240, 130, 30);
      case "yellow", "golden", "gold", "amber" -> b.colour(240, 200, 50);
      case "green", "emerald", "lush" -> b.colour(50, 160, 60);
      case "blue", "azure", "navy" -> b.colour(40, 90, 210);
      case "cyan", "teal", "turquoise" -> b.colour(40, 190, 190);
      case "purple", "violet", "lavender" -> b.colour(140, 60, 190);
      case "pink", "magenta", "rose" -> b.colour(240, 100, 170);
      case "white", "ivory" -> b.colour(240, 240, 235);
      case "black", "ebony" -> b.colour(20, 20, 25);
      case "grey", "gray", "silver" -> b.colour(150, 150, 155);
      case "brown", "bronze", "rusty", "copper" -> b.colour(130, 80, 40);
      // Skies.
      case "sunset", "sunrise", "dusk", "dawn", "evening" -> b.sky(Scene.Sky.SUNSET);
      case "night", "midnight", "nocturnal" -> b.sky(Scene.Sky.NIGHT);
      case "day", "noon", "summer", "sunny", "morning", "clear" -> b.sky(Scene.Sky.DAY);
      case "storm", "stormy", "thunder", "rain", "rainy" -> b.sky(Scene.Sky.STORM);
      case "space", "galaxy", "nebula", "cosmic", "universe", "cosmos" -> b.sky(Scene.Sky.SPACE);
      case "fog", "foggy", "mist", "misty", "haze" -> b.sky(Scene.Sky.FOG);
      // Grounds.
      case "sea", "ocean", "lake", "beach", "water", "river", "waves", "coast", "harbor",
          "harbour", "bay" -> b.ground(Scene.Ground.WATER);
      case "forest", "jungle", "woods", "woodland", "trees", "pine", "pines" ->
          b.ground(Scene.Ground.FOREST);
      case "desert", "dune", "dunes", "sand", "sahara" -> b.ground(Scene.Ground.DESERT);
      case "snow", "snowy", "winter", "ice", "frozen", "arctic", "glacier" ->
          b.ground(Scene.Ground.SNOW);
      case "city", "skyline", "street", "buildings", "metropolis", "downtown", "cyberpunk",
          "skyscrapers" -> b.ground(Scene.Ground.CITY);
      case "field", "meadow", "garden", "flowers", "flower", "spring", "grass", "valley" ->
          b.ground(Scene.Ground.MEADOW);
      case "lava", "volcano", "fire", "flames", "inferno", "burning" -> b.ground(Scene.Ground.LAVA);
      // Things.
      case "sun" -> b.thing(Scene.Thing.SUN);
      case "moon", "moonlit", "moonlight" -> b.thing(Scene.Thing.MOON);
      case "planet", "planets", "saturn", "mars" -> b.thing(Scene.Thing.PLANET);
      case "cloud", "clouds", "cloudy", "sky" -> b.thing(Scene.Thing.CLOUDS);
      case "star", "stars", "starry" -> b.thing(Scene.Thing.STARS);
      case "mountain", "mountains", "hills", "alps", "peaks", "cliffs" ->
          b.thing(Scene.Thing.MOUNTAINS);
      case "tree", "oak" -> b.thing(Scene.Thing.TREE);
      case "house", "cottage", "castle", "lighthouse", "tower", "temple", "church", "cabin",
          "windmill" -> b.subject(word, true);
      case "cat", "dog", "fox", "wolf", "bird", "owl", "horse", "deer", "bear", "lion", "tiger",
          "rabbit", "dragon", "robot", "astronaut", "knight", "person", "woman", "man", "girl",
          "boy", "portrait", "face", "car", "ship", "boat", "whale", "elephant", "butterfly",
          "cow", "panda", "penguin", "unicorn", "wizard", "samurai" -> b.subject(word, false);
      // Styles.
      case "watercolor", "watercolour", "pastel", "soft", "dreamy", "ethereal" ->
          b.style(0.7, 0.85, 1.05, 0.6);
      case "neon", "vibrant", "vivid", "colorful", "colourful", "psychedelic" ->
          b.style(1.45, 1.2, 1.0, 1.0);
      case "oil", "painting", "impressionist", "impressionism", "brushstrokes", "canvas" ->
          b.style(1.1, 1.05, 1.0, 1.7);
      case "minimalist", "minimal", "flat", "simple", "vector", "clean" ->
          b.style(1.0, 1.0, 1.0, 0.15);
      case "dark", "gloomy", "moody", "shadowy", "sinister" -> b.style(0.9, 1.1, 0.7, 1.0);
      case "bright", "light", "cheerful", "happy" -> b.style(1.1, 1.0, 1.18, 1.0);
      case "detailed", "intricate", "highly", "4k", "8k", "hdr", "ultra", "realistic",
          "photorealistic", "photo", "photograph", "cinematic" -> b.style(1.0, 1.1, 1.0, 1.35);
      case "sketch", "pencil", "charcoal", "monochrome", "noir", "grayscale", "greyscale",
          "ink" -> b.mono();
      case "pixel", "pixelated", "retro", "8bit", "voxel", "mosaic" -> b.pixelated();
      default -> {
        if (word.length() >= 3) {
          b.unknown(word);
        }
      }
    }
  }
}
